"""The counters actions on the use cases, with counters in memory. The key is checked as the
HTTP handlers check it: the name first, then the key, then its scope and origins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from application.counters.names import require_counter_name
from application.shared.actor import Actor
from application.shared.paging import Page, PageRequest
from domain.counters import CounterCount
from entrypoints.http.counters.badge import badge_svg
from tests.bdd.counters.driver import CountersDriver, badge_count
from tests.bdd.shared.outcome import Outcome
from tests.bdd.shared.shapes import page_of
from tests.bdd.shared.use_case import UseCaseSystem


def _count(counter: CounterCount) -> dict[str, Any]:
    return {"name": counter.name, "count": counter.count}


class UseCaseCounters(CountersDriver):
    """Calls the counters use cases from the container."""

    def __init__(self, system: UseCaseSystem) -> None:
        self.system = system
        self.container = system.container

    def _with_key(
        self,
        key: str | None,
        name: str,
        origin: str | None,
        work: Callable[[], Awaitable[CounterCount]],
        shape: Callable[[CounterCount], Any],
    ) -> Outcome:
        async def call() -> CounterCount:
            require_counter_name(name)
            api_key = await self.container.apikeys.authenticate_api_key()(key)
            api_key.authorize(name, origin)
            return await work()

        return self.system.do(call, shape)

    def hit(self, key: str | None, name: str, origin: str | None) -> Outcome:
        """Add a hit."""
        record = self.container.counters.record_hit()
        return self._with_key(key, name, origin, lambda: record(name), _count)

    def read(self, key: str | None, name: str) -> Outcome:
        """Read a count."""
        get = self.container.counters.get_count()
        return self._with_key(key, name, None, lambda: get(name), _count)

    def badge(self, key: str | None, name: str) -> Outcome:
        """The badge, rendered as the HTTP layer renders it."""
        count = self.container.counters.badge_count()
        return self._with_key(
            key, name, None, lambda: count(name), lambda c: {"badge": badge_count(badge_svg(c))}
        )

    def list_counters(self, access: str | None) -> Outcome:
        """The admins' list."""

        def act(actor: Actor) -> Awaitable[Page[CounterCount]]:
            return self.container.counters.list_counters()(actor, PageRequest())

        return self.system.as_bearer(access, act, page_of(_count))
