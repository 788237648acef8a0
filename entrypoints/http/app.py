"""The Litestar application: routes, error handling, docs, CORS and lifecycle."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.datastructures import MutableScopeHeaders, ResponseHeader, State
from litestar.enums import ScopeType
from litestar.routes import HTTPRoute
from litestar.types import BeforeMessageSendHookHandler, Message, Receive, Scope, Send
from litestar.utils import ensure_async_callable

from entrypoints.containers import Container, close_container
from entrypoints.contexts import context_routers
from entrypoints.http.dependencies import CONTAINER_KEY, build_dependencies
from entrypoints.http.errors import handle_exception
from entrypoints.http.openapi import COMPONENTS, HexashopOpenAPIConfig
from entrypoints.http.operations.docs import OfflineSwaggerPlugin
from entrypoints.http.operations.router import operations_router
from entrypoints.http.rate_limit import RateLimiter, build_rate_limiter
from entrypoints.http.request_context import REQUEST_ID_HEADER, track_request
from entrypoints.http.security_headers import SecurityHeaders
from entrypoints.http.storable import refuse_unstorable_input

API_PREFIX = "/api/v1"
LifespanHook = Callable[..., Any]


class HexashopApp(Litestar):
    """Litestar with request ids, security headers and access logs on every response, unmatched
    routes included, and the rate limiter inside them (so a 429 carries them too)."""

    def __init__(
        self,
        *,
        rate_limiter: RateLimiter | None = None,
        security_headers: SecurityHeaders | None = None,
        **config: Any,
    ) -> None:
        super().__init__(**config)
        self.rate_limiter = rate_limiter
        self.security_headers = security_headers
        self._add_headers = security_headers.add_to if security_headers else None
        serve: Any = super().__call__
        self._serve_http = rate_limiter.wrap(serve) if rate_limiter else serve

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # type: ignore[override]
        """Track HTTP requests and add their security headers; pass anything else through."""
        if scope["type"] == ScopeType.HTTP:
            await track_request(scope, receive, send, self._serve_http, self._add_headers)  # type: ignore[arg-type]
        else:
            await super().__call__(scope, receive, send)


def _allow_every_method(app: Litestar) -> BeforeMessageSendHookHandler:
    """Make each OPTIONS answer's `Allow` list every method of its path.

    Litestar builds a path's OPTIONS handler with the first route of that path it sees and
    keeps it when routes are merged, so `/products/{id}` answered `Allow: DELETE, OPTIONS`.
    The merged route knows every method (the 405 answers already list them all).
    """
    allow: dict[int, str] = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                if handler.http_methods == {"OPTIONS"}:
                    allow[id(handler)] = ", ".join(sorted(route.methods))

    async def hook(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
            return
        methods = allow.get(id(scope.get("route_handler")))
        if methods is not None:
            MutableScopeHeaders.from_message(message)["allow"] = methods

    return hook


def _cors(origins: Sequence[str]) -> CORSConfig | None:
    if not origins:
        return None
    return CORSConfig(
        allow_origins=list(origins),
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", REQUEST_ID_HEADER, "Idempotency-Key"],
        expose_headers=[
            REQUEST_ID_HEADER,
            "Retry-After",
            "RateLimit-Limit",
            "RateLimit-Remaining",
            "RateLimit-Reset",
        ],
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
        if limiter is not None:
            await limiter.aclose()

    api = Router(path=API_PREFIX, route_handlers=context_routers(settings))
    limiter = (
        build_rate_limiter(settings, container.core.access_tokens(), container.core.clock())
        if settings.rate_limit_enabled
        else None
    )
    app = HexashopApp(
        rate_limiter=limiter,
        security_headers=(
            SecurityHeaders(production=settings.is_production)
            if settings.security_headers_enabled
            else None
        ),
        state=State({CONTAINER_KEY: container}),
        route_handlers=[api, operations_router(container)],
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
        openapi_config=HexashopOpenAPIConfig(
            rate_limited=limiter is not None,
            title="hexashop API",
            version="1.0.0",
            description="Accounts, catalog, orders and payments for a small online shop. "
            "Errors always use the `ErrorBody` shape.",
            path="/schema",
            render_plugins=[OfflineSwaggerPlugin(path="/")],
            components=COMPONENTS,
            use_handler_docstrings=False,
        ),
        debug=False,
    )
    app.before_send.append(ensure_async_callable(_allow_every_method(app)))
    return app
