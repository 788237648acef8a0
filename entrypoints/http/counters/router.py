"""The counters context's routes: `/counters`."""

from __future__ import annotations

from litestar import Router

from entrypoints.http.counters.controllers import CountersController
from entrypoints.settings import Settings


def counters_router(settings: Settings) -> Router:
    """Every counters endpoint, whatever the settings."""
    return Router(path="/", route_handlers=[CountersController], request_max_body_size=1024)
