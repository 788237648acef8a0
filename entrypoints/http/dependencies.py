"""Bridge the dependency-injector container to Litestar's dependency injection.

`@inject` does not work on Litestar handlers, so each use case becomes a Litestar dependency
that calls its container provider per request; test overrides on the container still apply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from application.accounts.actor import Actor
from domain.errors import AuthenticationFailed, InvalidAccessToken
from entrypoints.container import Container
from entrypoints.http.request_context import remember_user

T = TypeVar("T")

# How handlers declare what they need: by parameter name, not re-validated (the values come
# from our own container, and tests may override them with fakes that match by shape).
Injected: TypeAlias = NamedDependency[SkipValidation[T]]

# Container providers exposed to handlers under the same name.
USE_CASES = (
    "register_user",
    "verify_email",
    "resend_verification",
    "log_in",
    "refresh_session",
    "log_out",
    "forgot_password",
    "reset_password",
    "get_profile",
    "update_profile",
    "change_password",
    "list_users",
    "create_user",
    "get_user",
    "update_user",
    "delete_user",
)

# Opaque tokens are URL-safe base64 or JWTs; nothing else is worth a database round trip.
_MAX_TOKEN_LENGTH = 4096


def _per_request(container: Container, name: str) -> Callable[[], Any]:
    provider = getattr(container, name)
    return lambda: provider()


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


def _actor_provider(container: Container) -> Callable[[Request[Any, Any, Any]], Any]:
    async def current_actor(request: Request[Any, Any, Any]) -> Actor:
        """The authenticated caller, from the bearer token."""
        token = bearer_token(request.headers.get("authorization"))
        actor: Actor = await container.authenticate()(token)
        remember_user(request.scope, actor.user_id)
        return actor

    return current_actor


def build_dependencies(container: Container) -> dict[str, Provide]:
    """Every dependency a handler may ask for: use cases by name, `actor`, `client_ip`."""
    dependencies = {
        name: Provide(_per_request(container, name), sync_to_thread=False) for name in USE_CASES
    }
    dependencies["actor"] = Provide(_actor_provider(container))
    dependencies["client_ip"] = Provide(client_ip, sync_to_thread=False)
    return dependencies
