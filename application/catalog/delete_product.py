"""Use case: an admin removes (or retires) a product."""

from __future__ import annotations

from uuid import UUID

from application.accounts.actor import Actor
from application.ports import Clock, UnitOfWork


class DeleteProduct:
    """Delete a product, or deactivate it when orders refer to it."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, actor: Actor, product_id: UUID) -> None:
        """Not implemented yet."""
        raise NotImplementedError
