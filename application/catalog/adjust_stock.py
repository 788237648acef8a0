"""Use case: staff add or remove stock."""

from __future__ import annotations

from application.catalog.commands import AdjustStockCommand
from application.catalog.ports import CatalogUnitOfWork
from application.catalog.views import ProductView
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.accounts import Role
from domain.catalog import InsufficientStock, ProductNotFound


class AdjustStock:
    """Adjust stock atomically, never below zero; admins and editors."""

    def __init__(self, uow: CatalogUnitOfWork, clock: Clock, currency: str) -> None:
        self._uow = uow
        self._clock = clock
        self._currency = currency

    async def __call__(self, actor: Actor, cmd: AdjustStockCommand) -> ProductView:
        """The product with its new stock, or PermissionDenied / ProductNotFound /
        InsufficientStock."""
        actor.require(Role.ADMIN, Role.EDITOR)
        async with self._uow as uow:
            # The conditional update is the only stock write, so it can't race reservations.
            new_stock = await uow.products.try_adjust_stock(cmd.product_id, cmd.delta)
            product = await uow.products.get(cmd.product_id)
            if product is None:
                raise ProductNotFound()
            if new_stock is None:
                raise InsufficientStock(product.name)
            product.updated_at = self._clock.now()
            await uow.products.update(product)
            await uow.commit()
        return ProductView.from_product(product, self._currency)
