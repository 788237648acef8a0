"""The ordering context over HTTP: orders, payments, provider webhooks and the sandbox."""
