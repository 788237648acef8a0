"""Use case: the owner or an admin looks at an order."""

from __future__ import annotations

from uuid import UUID

from application.accounts.actor import Actor
from application.ordering.views import OrderView
from application.ports import UnitOfWork


class GetOrder:
    """One order."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, actor: Actor, order_id: UUID) -> OrderView:
        """Not implemented yet."""
        raise NotImplementedError
