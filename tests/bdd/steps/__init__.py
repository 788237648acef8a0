"""The step library: the shared vocabulary of the feature files."""
