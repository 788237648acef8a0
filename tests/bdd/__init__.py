"""Executable specifications: step definitions and drivers for the Gherkin in features/."""
