"""Bridge the dependency-injector containers to Litestar's dependency injection.

`@inject` does not work on Litestar handlers, so each exposed use case (see
`entrypoints.containers.access`) becomes a Litestar dependency of the same name that calls its
provider per request; test overrides on the container still apply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar

from dependency_injector.providers import Provider
from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.handlers import HTTPRouteHandler
from litestar.params import SkipValidation

from application.shared.actor import Actor
from domain.accounts import Role
from domain.errors import AuthenticationFailed, InvalidAccessToken, PermissionDenied
from entrypoints.containers import Container
from entrypoints.containers.access import (
    OptionalCaller,
    SignedIn,
    WithApiKey,
    exposed_use_cases,
)
from entrypoints.http.openapi import BEARER_SCHEME
from entrypoints.http.request_context import remember_user

T = TypeVar("T")

# How handlers declare what they need: by parameter name, not re-validated (the values come
# from our own container, and tests may override them with fakes that match by shape).
Injected: TypeAlias = NamedDependency[SkipValidation[T]]

# The app state key under which create_app keeps the container, for request hooks.
CONTAINER_KEY = "container"

# Opaque tokens are URL-safe base64 or JWTs; nothing else is worth a database round trip.
_MAX_TOKEN_LENGTH = 4096


def _per_request(provider: Provider[Any]) -> Callable[[], Any]:
    return lambda: provider()


def _refuse_unless(roles: frozenset[Role], actor: Actor) -> None:
    if roles and actor.role not in roles:
        raise PermissionDenied()


def _after_actor(provider: SignedIn[Any]) -> Callable[[Any], Any]:
    roles = provider.roles

    def use_case(actor: SkipValidation[Any]) -> Any:
        # Depending on `actor` orders the two: the caller is authenticated first (a 401
        # never builds the use case), and Litestar resolves them one after the other
        # rather than in a task group per request. Dependencies are resolved before the
        # parameters are validated, so a caller without the role is 403 whatever it sent.
        _refuse_unless(roles, actor)
        return provider()

    return use_case


def _after_optional_actor(provider: Provider[Any]) -> Callable[[Any], Any]:
    def use_case(optional_actor: SkipValidation[Any]) -> Any:
        # As _after_actor, for routes where signing in is optional.
        return provider()

    return use_case


def _after_api_key_check(provider: Provider[Any]) -> Callable[[Any], Any]:
    def use_case(authenticate_api_key: SkipValidation[Any]) -> Any:
        # Sibling dependencies are resolved in an anyio task group per request (litestar
        # issue 4563: a few hundred Python calls); depending on the key check orders them.
        return provider()

    return use_case


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header, or raise 401."""
    if not authorization:
        raise AuthenticationFailed()
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token or len(token) > _MAX_TOKEN_LENGTH:
        raise InvalidAccessToken()
    return token


def client_ip(request: Request[Any, Any, Any]) -> str | None:
    """The peer address (the login rate limit counts failures per email and address)."""
    return request.client.host if request.client else None


# Where the authenticated caller is kept for the rest of the request.
_ACTOR_KEY = "hexashop.actor"


async def _authenticate(container: Container, request: Request[Any, Any, Any]) -> Actor:
    state = request.scope.setdefault("state", {})
    cached: Actor | None = state.get(_ACTOR_KEY)
    if cached is not None:
        return cached
    token = bearer_token(request.headers.get("authorization"))
    actor: Actor = await container.accounts.authenticate()(token)
    state[_ACTOR_KEY] = actor
    remember_user(request.scope, actor.user_id)
    return actor


# Key in a handler's `opt` under which _requires_bearer remembers its answer.
_REQUIRES_BEARER_OPT = "hexashop.requires_bearer"


def _requires_bearer(handler: HTTPRouteHandler) -> bool:
    # Routes whose OpenAPI security names only the bearer token (optional-auth routes also
    # list the empty requirement `{}`). Fixed per handler, so worked out once per handler.
    known: bool | None = handler.opt.get(_REQUIRES_BEARER_OPT)
    if known is None:
        security = handler.resolve_security()
        known = bool(security) and all(BEARER_SCHEME in req for req in security)
        handler.opt[_REQUIRES_BEARER_OPT] = known
    return known


# Key in a handler's `opt` under which _required_roles remembers its answer.
_REQUIRED_ROLES_OPT = "hexashop.required_roles"


def _required_roles(handler: HTTPRouteHandler, container: Container) -> frozenset[Role]:
    # The roles every use case the handler asks for admits (SignedIn.roles), worked out once
    # per handler. Empty: any signed-in caller.
    known: frozenset[Role] | None = handler.opt.get(_REQUIRED_ROLES_OPT)
    if known is None:
        asked = handler.parsed_fn_signature.parameters.keys()
        kinds = [
            provider.roles
            for name, provider in exposed_use_cases(container)
            if name in asked and isinstance(provider, SignedIn) and provider.roles
        ]
        known = frozenset.intersection(*kinds) if kinds else frozenset()
        handler.opt[_REQUIRED_ROLES_OPT] = known
    return known


async def authenticate_if_required(request: Request[Any, Any, Any]) -> None:
    """On routes that need a signed-in caller, authenticate before the body is even read:
    without a valid token the answer is 401, and without the route's role 403, whatever was
    sent (no probing of validation rules). The `actor` dependency then reuses this result."""
    handler = request.route_handler
    if _requires_bearer(handler):
        container = request.app.state[CONTAINER_KEY]
        actor = await _authenticate(container, request)
        _refuse_unless(_required_roles(handler, container), actor)


def _actor_provider(container: Container) -> Callable[[Request[Any, Any, Any]], Any]:
    async def current_actor(request: Request[Any, Any, Any]) -> Actor:
        """The authenticated caller, from the bearer token."""
        return await _authenticate(container, request)

    return current_actor


def _optional_actor_provider(container: Container) -> Callable[[Request[Any, Any, Any]], Any]:
    async def optional_actor(request: Request[Any, Any, Any]) -> Actor | None:
        """The caller when an Authorization header is sent, None when none is.

        A header that is sent but bad is still 401, even on public routes: quietly treating
        it as anonymous would show a client with an expired session a different catalog
        without telling it why.
        """
        if not request.headers.get("authorization"):
            return None
        return await _authenticate(container, request)

    return optional_actor


def _use_case_dependency(provider: Provider[Any]) -> Provide:
    if isinstance(provider, SignedIn):
        return Provide(_after_actor(provider), sync_to_thread=False)
    if isinstance(provider, OptionalCaller):
        return Provide(_after_optional_actor(provider), sync_to_thread=False)
    if isinstance(provider, WithApiKey):
        return Provide(_after_api_key_check(provider), sync_to_thread=False)
    return Provide(_per_request(provider), sync_to_thread=False)


def build_dependencies(container: Container) -> dict[str, Provide]:
    """Every dependency a handler may ask for: the exposed use cases by name, the payment
    gateway, `actor` and `optional_actor` (None for anonymous callers)."""
    dependencies = {
        name: _use_case_dependency(provider) for name, provider in exposed_use_cases(container)
    }
    # The one adapter handlers see: webhook parsing is a pure function of the body and
    # settings, with nothing to authorise.
    dependencies["payment_gateway"] = Provide(
        _per_request(container.core.payment_gateway), sync_to_thread=False
    )
    dependencies["actor"] = Provide(_actor_provider(container))
    dependencies["optional_actor"] = Provide(_optional_actor_provider(container))
    return dependencies
