"""The operational routes: `/health/*`, `/metrics` and `/api-docs` (the docs page itself is
served by the OpenAPI config, see `docs.OfflineSwaggerPlugin`)."""

from __future__ import annotations

from litestar import Router

from entrypoints.containers import Container
from entrypoints.http.operations.docs import api_docs
from entrypoints.http.operations.health import build_health_controller
from entrypoints.http.operations.metrics import build_metrics_handler


def operations_router(container: Container) -> Router:
    """The probes and the scrape endpoint, bound to the container whose services they read."""
    return Router(
        path="/",
        route_handlers=[
            build_health_controller(container),
            build_metrics_handler(container),
            api_docs,
        ],
    )
