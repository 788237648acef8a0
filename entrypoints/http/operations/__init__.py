"""Operational routes at the root, outside the API prefix: health probes, metrics, API docs."""
