"""Use case: cancel pending orders not paid in time."""

from __future__ import annotations

from application.ordering.access import release_stock
from application.ordering.ports import OrderingUnitOfWork
from application.shared.ports import Clock


class ExpireOrders:
    """Cancel one batch of overdue pending orders and release their stock."""

    def __init__(self, uow: OrderingUnitOfWork, clock: Clock, batch_size: int = 100) -> None:
        self._uow = uow
        self._clock = clock
        self._batch_size = batch_size

    async def __call__(self) -> int:
        """How many orders expired in this batch."""
        expired = 0
        async with self._uow as uow:
            now = self._clock.now()
            for candidate in await uow.orders.list_expired(now, self._batch_size):
                # Re-read under lock: a payment may have landed since the list was taken.
                order = await uow.orders.get(candidate.id, for_update=True)
                if order is None or not order.is_expired(now):
                    continue
                order.cancel(now)
                await release_stock(uow, order)
                await uow.orders.update(order)
                expired += 1
            await uow.commit()
        return expired
