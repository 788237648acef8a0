"""The composition root: the shared adapters and one container per bounded context.

A context's use cases live in its own container (`accounts.py`, `catalog.py`, ...), which
asks for the shared adapters as `core`. Adding a context is one line below; the HTTP layer
finds its exposed use cases by itself (see `access.py`).
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from dependency_injector import containers, providers

from adapters.circuit_breaker import CircuitBreaker
from entrypoints.containers.accounts import AccountsContainer
from entrypoints.containers.apikeys import ApiKeysContainer
from entrypoints.containers.blog import BlogContainer
from entrypoints.containers.catalog import CatalogContainer
from entrypoints.containers.core import CoreContainer
from entrypoints.containers.counters import CountersContainer
from entrypoints.containers.media import MediaContainer
from entrypoints.containers.messaging import MessagingContainer
from entrypoints.containers.ordering import OrderingContainer
from entrypoints.settings import Settings

C = TypeVar("C", bound=containers.DeclarativeContainer)


def _nested(container_cls: type[C], **dependencies: Any) -> C:
    """A sub-container of the root, typed as the container it builds: `providers.Container`
    forwards attribute access to it, so `container.accounts.create_user()` type-checks."""
    return cast(C, providers.Container(container_cls, **dependencies))


class Container(containers.DeclarativeContainer):
    """Settings, the shared adapters (`core`) and every context's use cases.

    Use cases are reached through their context: `container.accounts.register_user()`.
    Tests override adapters on `core` (`container.core.mailer.override(...)`).
    """

    settings = providers.Dependency(instance_of=Settings)
    core = _nested(CoreContainer, settings=settings)

    accounts = _nested(AccountsContainer, core=core)
    catalog = _nested(CatalogContainer, core=core)
    ordering = _nested(OrderingContainer, core=core)
    messaging = _nested(MessagingContainer, core=core)
    media = _nested(MediaContainer, core=core)
    blog = _nested(BlogContainer, core=core)
    apikeys = _nested(ApiKeysContainer, core=core)
    counters = _nested(CountersContainer, core=core)


def circuit_breakers(container: Container) -> dict[str, CircuitBreaker]:
    """The breakers in use, by provider name: mail always, Stripe when it is the provider."""
    breakers = {"mail": container.core.mail_breaker()}
    if container.settings().payment_provider == "stripe":
        breakers["stripe"] = container.core.stripe_breaker()
    return breakers


def create_container(settings: Settings) -> Container:
    """The production wiring for these settings."""
    return Container(settings=settings)


async def build_selected_adapters(container: Container) -> None:
    """Startup hook: build the mailer, payment gateway, storage and counter store the settings
    chose, so their libraries are imported now, not on the event loop of the first request
    using them (core.deferred), and live in the heap that startup then freezes."""
    container.core.mailer()
    container.core.payment_gateway()
    container.core.storage()
    container.core.counter_store()


async def close_container(container: Container) -> None:
    """Release pooled connections. Safe when nothing was opened: building an engine connects
    to nothing, and disposing an unused pool is a no-op."""
    await container.core.engine().dispose()
    container.core.engine.reset()
    # The Stripe gateway, the S3 client and the DynamoDB counter store keep HTTP connection
    # pools (the store its threads too), the comment limit a Redis one when REDIS_URL is set;
    # the sandbox, the local folder, SQL and memory have nothing more.
    services = (
        container.core.payment_gateway(),
        container.core.storage(),
        container.core.counter_store(),
        container.blog.comment_limiter(),
    )
    for service in services:
        aclose = getattr(service, "aclose", None)
        if aclose is not None:
            await aclose()
