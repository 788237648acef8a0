"""Use case: the owner or an admin cancels a pending order."""

from __future__ import annotations

from uuid import UUID

from application.accounts.actor import Actor
from application.ordering.views import OrderView
from application.ports import Clock, UnitOfWork


class CancelOrder:
    """Cancel and release stock."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, actor: Actor, order_id: UUID) -> OrderView:
        """Not implemented yet."""
        raise NotImplementedError
