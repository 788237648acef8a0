"""The API keys context: machine clients' credentials and their scopes."""
