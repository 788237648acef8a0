"""Use case: staff add or remove stock."""

from __future__ import annotations

from application.accounts.actor import Actor
from application.catalog.commands import AdjustStockCommand
from application.catalog.views import ProductView
from application.ports import Clock, UnitOfWork


class AdjustStock:
    """Adjust stock atomically; admins and editors."""

    def __init__(self, uow: UnitOfWork, clock: Clock, currency: str) -> None:
        self._uow = uow
        self._clock = clock
        self._currency = currency

    async def __call__(self, actor: Actor, cmd: AdjustStockCommand) -> ProductView:
        """Not implemented yet."""
        raise NotImplementedError
