"""Counters use cases: adding hits to named counters and reading their counts."""
