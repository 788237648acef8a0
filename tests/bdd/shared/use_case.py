"""The default way in: use cases from the container, on the in-memory adapters."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from adapters.clock import FrozenClock
from application.shared.actor import Actor
from domain.errors import (
    AuthenticationFailed,
    BusinessRuleViolated,
    Conflict,
    DomainError,
    InvalidAccessToken,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    PreconditionFailed,
    RangeNotSatisfiable,
    RateLimited,
    ServiceUnavailable,
    ValidationFailed,
)
from entrypoints.containers import Container
from tests.bdd.shared.outcome import Outcome
from tests.bdd.shared.system import System, spec_settings
from tests.support.containers import use_memory_adapters

T = TypeVar("T")

# The same order as the HTTP error table: subclasses are matched by their base.
_REFUSALS: tuple[tuple[type[DomainError], str], ...] = (
    (ValidationFailed, "invalid"),
    (AuthenticationFailed, "unauthorized"),
    (PermissionDenied, "forbidden"),
    (NotFound, "not found"),
    (Conflict, "conflict"),
    (PreconditionFailed, "changed since it was read"),
    (PayloadTooLarge, "too large"),
    (RangeNotSatisfiable, "out of range"),
    (BusinessRuleViolated, "business rule"),
    (RateLimited, "rate limited"),
    (ServiceUnavailable, "unavailable"),
)


def refusal_of(error: DomainError) -> Outcome:
    """The neutral outcome for a business error."""
    for kind, name in _REFUSALS:
        if isinstance(error, kind):
            fields = tuple(e.field for e in getattr(error, "errors", ()))
            return Outcome(refusal=name, fields=fields, message=error.message)
    raise error


class UseCaseSystem(System):
    """Calls use cases from the container on one event loop it owns."""

    kind = "use_case"

    def __init__(self, clock: FrozenClock | None = None) -> None:
        container = Container(settings=spec_settings())
        # One loop for every call: the memory store's lock must be used on a single loop.
        self._runner = asyncio.Runner()
        self.store = use_memory_adapters(container)
        super().__init__(container, clock)

    def run(self, make: Callable[[], Awaitable[T]]) -> T:
        """Run a coroutine on the system's loop."""

        async def call() -> T:
            return await make()

        return self._runner.run(call())

    def close(self) -> None:
        """Close the event loop."""
        self._runner.close()

    def do(self, make: Callable[[], Awaitable[Any]], shape: Callable[[Any], Any]) -> Outcome:
        """One action: let a second pass, run it, turn its result or refusal into an Outcome."""
        self.tick()
        try:
            result = self.run(make)
        except DomainError as error:
            return refusal_of(error)
        return Outcome(data=shape(result))

    def as_bearer(
        self,
        access: str | None,
        act: Callable[[Actor], Awaitable[Any]],
        shape: Callable[[Any], Any],
    ) -> Outcome:
        """An action on behalf of the bearer of an access token (anonymous when None)."""

        async def call() -> Any:
            if access is None:
                raise InvalidAccessToken()
            actor = await self.container.accounts.authenticate()(access)
            return await act(actor)

        return self.do(call, shape)

    def as_anyone(
        self,
        access: str | None,
        act: Callable[[Actor | None], Awaitable[Any]],
        shape: Callable[[Any], Any],
    ) -> Outcome:
        """An action open to anyone: on behalf of the bearer, or of nobody when None."""

        async def call() -> Any:
            actor = None if access is None else await self.container.accounts.authenticate()(access)
            return await act(actor)

        return self.do(call, shape)
