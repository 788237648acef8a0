"""The blog context's use cases and ports."""
