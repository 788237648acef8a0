"""The catalog context's routes: `/products`."""

from __future__ import annotations

from litestar import Router

from entrypoints.http.catalog.products import ProductsController
from entrypoints.settings import Settings


def catalog_router(settings: Settings) -> Router:
    """Every catalog endpoint, whatever the settings."""
    return Router(path="/", route_handlers=[ProductsController])
