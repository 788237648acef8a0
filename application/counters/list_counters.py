"""Use case: admins page through every counter."""

from __future__ import annotations

from application.counters.ports import CounterStore
from application.shared.actor import Actor
from application.shared.paging import Page, PageRequest
from domain.accounts import Role
from domain.counters import CounterCount


class ListCounters:
    """One page of counters by name, for admins."""

    def __init__(self, store: CounterStore) -> None:
        self._store = store

    async def __call__(self, actor: Actor, page: PageRequest) -> Page[CounterCount]:
        """The page, or PermissionDenied for anyone but an admin."""
        actor.require(Role.ADMIN)
        items, total = await self._store.page(page.offset, page.limit)
        return Page(items=items, page=page.page, limit=page.limit, total=total)
