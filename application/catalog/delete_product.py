"""Use case: an admin removes (or retires) a product."""

from __future__ import annotations

from uuid import UUID

from application.catalog.ports import CatalogUnitOfWork
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.accounts import Role
from domain.catalog import ProductNotFound


class DeleteProduct:
    """Delete a product, or only deactivate it when orders refer to it; admins only."""

    def __init__(self, uow: CatalogUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, actor: Actor, product_id: UUID) -> None:
        """Remove or deactivate, or raise PermissionDenied / ProductNotFound."""
        actor.require(Role.ADMIN)
        async with self._uow as uow:
            product = await uow.products.get(product_id)
            if product is None:
                raise ProductNotFound()
            if await uow.products.is_ordered(product_id):
                # Order lines keep pointing at it, so it stays, hidden from customers.
                product.active = False
                product.updated_at = self._clock.now()
                await uow.products.update(product)
            else:
                await uow.products.delete(product_id)
            await uow.commit()
