"""Use case: the owner or an admin cancels a pending order."""

from __future__ import annotations

from uuid import UUID

from application.ordering.access import release_stock, visible_order
from application.ordering.ports import OrderingUnitOfWork
from application.ordering.views import OrderView
from application.shared.actor import Actor
from application.shared.ports import Clock


class CancelOrder:
    """Cancel a pending order and release its reserved stock."""

    def __init__(self, uow: OrderingUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, actor: Actor, order_id: UUID) -> OrderView:
        """The cancelled order, or OrderNotFound / InvalidTransition (not pending)."""
        async with self._uow as uow:
            # Locked, so a payment arriving now can't mark paid an order we are cancelling.
            order = visible_order(actor, await uow.orders.get(order_id, for_update=True))
            order.cancel(self._clock.now())
            await release_stock(uow, order)
            await uow.orders.update(order)
            await uow.commit()
        return OrderView.from_order(order)
