"""Use case: staff add a product."""

from __future__ import annotations

from application.accounts.actor import Actor
from application.catalog.commands import CreateProductCommand
from application.catalog.views import ProductView
from application.ports import Clock, UnitOfWork


class CreateProduct:
    """Create a product; admins and editors."""

    def __init__(self, uow: UnitOfWork, clock: Clock, currency: str) -> None:
        self._uow = uow
        self._clock = clock
        self._currency = currency

    async def __call__(self, actor: Actor, cmd: CreateProductCommand) -> ProductView:
        """Not implemented yet."""
        raise NotImplementedError
