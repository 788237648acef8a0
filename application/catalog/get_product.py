"""Use case: anyone looks at one product."""

from __future__ import annotations

from uuid import UUID

from application.catalog.ports import CatalogUnitOfWork
from application.catalog.views import ProductView
from application.shared.actor import Actor
from domain.catalog import ProductNotFound


class GetProduct:
    """One product; inactive ones are visible to staff only."""

    def __init__(self, uow: CatalogUnitOfWork, currency: str) -> None:
        self._uow = uow
        self._currency = currency

    async def __call__(self, actor: Actor | None, product_id: UUID) -> ProductView:
        """The product, or ProductNotFound (also for an inactive one seen by non-staff)."""
        async with self._uow as uow:
            product = await uow.products.get(product_id)
        if product is None or (not product.active and not (actor is not None and actor.is_staff)):
            raise ProductNotFound()
        return ProductView.from_product(product, self._currency)
