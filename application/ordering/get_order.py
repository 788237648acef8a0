"""Use case: the owner or an admin looks at an order."""

from __future__ import annotations

from uuid import UUID

from application.ordering.access import visible_order
from application.ordering.ports import OrderingUnitOfWork
from application.ordering.views import OrderView
from application.shared.actor import Actor


class GetOrder:
    """One order, for its owner or an admin."""

    def __init__(self, uow: OrderingUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, actor: Actor, order_id: UUID) -> OrderView:
        """The order, or OrderNotFound (also when it is someone else's)."""
        async with self._uow as uow:
            order = visible_order(actor, await uow.orders.get(order_id))
        return OrderView.from_order(order)
