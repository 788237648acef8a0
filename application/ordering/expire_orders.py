"""Use case: cancel pending orders not paid in time."""

from __future__ import annotations

from application.ports import Clock, UnitOfWork


class ExpireOrders:
    """Expire overdue pending orders and release their stock."""

    def __init__(self, uow: UnitOfWork, clock: Clock, batch_size: int = 100) -> None:
        self._uow = uow
        self._clock = clock
        self._batch_size = batch_size

    async def __call__(self) -> int:
        """Not implemented yet."""
        raise NotImplementedError
