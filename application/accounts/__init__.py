"""Account use cases: registration, sessions, profile and user administration."""
