"""The ordering context's routes: `/orders`, `/webhooks` and, without Stripe, `/sandbox`."""

from __future__ import annotations

from litestar import Controller, Router

from entrypoints.http.ordering.orders import OrdersController
from entrypoints.http.ordering.sandbox import SandboxController
from entrypoints.http.ordering.webhooks import WebhooksController
from entrypoints.settings import Settings


def ordering_router(settings: Settings) -> Router:
    """The order and webhook endpoints, and the sandbox's when its provider is on."""
    controllers: list[type[Controller]] = [OrdersController, WebhooksController]
    if settings.payment_provider == "sandbox" and not settings.is_production:
        # Anyone could mark any order paid through these: they exist only without Stripe,
        # and never in production (load_settings refuses it; this holds for any Settings).
        controllers.append(SandboxController)
    return Router(path="/", route_handlers=controllers)
