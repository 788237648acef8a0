"""The Litestar application: routes, error handling, docs, CORS and lifecycle."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from litestar import Controller, Litestar, Router, get
from litestar.config.cors import CORSConfig
from litestar.datastructures import ResponseHeader, State
from litestar.enums import ScopeType
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.response import Redirect
from litestar.types import Receive, Scope, Send

from entrypoints.container import Container, close_container
from entrypoints.http.controllers.auth import AuthController
from entrypoints.http.controllers.health import build_health_controller
from entrypoints.http.controllers.me import MeController
from entrypoints.http.controllers.orders import OrdersController
from entrypoints.http.controllers.products import ProductsController
from entrypoints.http.controllers.sandbox import SandboxController
from entrypoints.http.controllers.users import UsersController
from entrypoints.http.controllers.webhooks import WebhooksController
from entrypoints.http.dependencies import CONTAINER_KEY, build_dependencies
from entrypoints.http.errors import handle_exception
from entrypoints.http.openapi import COMPONENTS
from entrypoints.http.request_context import REQUEST_ID_HEADER, track_request
from entrypoints.http.storable import refuse_unstorable_input

API_PREFIX = "/api/v1"
LifespanHook = Callable[..., Any]


class HexashopApp(Litestar):
    """Litestar with request tracking around everything, unmatched routes included."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # type: ignore[override]
        """Give HTTP requests an id and an access-log line; pass anything else through."""
        if scope["type"] == ScopeType.HTTP:
            await track_request(scope, receive, send, super().__call__)  # type: ignore[arg-type]
        else:
            await super().__call__(scope, receive, send)


@get("/api-docs", include_in_schema=False)
async def api_docs() -> Redirect:
    """The interactive docs also live at /api-docs."""
    return Redirect(path="/schema")


def _cors(origins: Sequence[str]) -> CORSConfig | None:
    if not origins:
        return None
    return CORSConfig(
        allow_origins=list(origins),
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", REQUEST_ID_HEADER, "Idempotency-Key"],
        expose_headers=[REQUEST_ID_HEADER, "Retry-After"],
    )


def create_app(
    container: Container,
    on_startup: Sequence[LifespanHook] = (),
    on_shutdown: Sequence[LifespanHook] = (),
) -> Litestar:
    """Build the HTTP application around a container (production or test-overridden)."""
    settings = container.settings()

    async def close() -> None:
        await close_container(container)

    controllers: list[type[Controller]] = [
        AuthController,
        MeController,
        UsersController,
        ProductsController,
        OrdersController,
        WebhooksController,
    ]
    if settings.payment_provider == "sandbox" and not settings.is_production:
        # Anyone could mark any order paid through these: they exist only without Stripe,
        # and never in production (load_settings refuses it; this holds for any Settings).
        controllers.append(SandboxController)
    api = Router(path=API_PREFIX, route_handlers=controllers)
    return HexashopApp(
        state=State({CONTAINER_KEY: container}),
        route_handlers=[api, build_health_controller(container), api_docs],
        dependencies=build_dependencies(container),
        exception_handlers={Exception: handle_exception},
        # For routes whose controller sets no hook of its own; those call it themselves.
        before_request=refuse_unstorable_input,
        cors_config=_cors(settings.cors_origins),
        on_startup=list(on_startup),
        on_shutdown=[*on_shutdown, close],
        # structlog is configured by configure_logging(); Litestar must not reconfigure logging.
        logging_config=None,
        response_headers=[
            ResponseHeader(
                name=REQUEST_ID_HEADER,
                description="Echo of the client's X-Request-ID, or a generated id.",
                documentation_only=True,
            )
        ],
        openapi_config=OpenAPIConfig(
            title="hexashop API",
            version="1.0.0",
            description="Accounts, catalog, orders and payments for a small online shop. "
            "Errors always use the `ErrorBody` shape.",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin(path="/")],
            components=COMPONENTS,
            use_handler_docstrings=False,
        ),
        debug=False,
    )
