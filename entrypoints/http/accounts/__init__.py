"""The accounts context over HTTP: sign-up and sessions, one's own profile, user admin."""
