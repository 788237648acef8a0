"""Use case: staff add a product."""

from __future__ import annotations

from application.catalog.commands import CreateProductCommand
from application.catalog.images import check_image_ids
from application.catalog.ports import CatalogUnitOfWork
from application.catalog.views import ProductView
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.accounts import Role
from domain.catalog import Product


class CreateProduct:
    """Create a product; admins and editors."""

    def __init__(self, uow: CatalogUnitOfWork, clock: Clock, currency: str) -> None:
        self._uow = uow
        self._clock = clock
        self._currency = currency

    async def __call__(self, actor: Actor, cmd: CreateProductCommand) -> ProductView:
        """The new product, or PermissionDenied / ValidationFailed."""
        actor.require(Role.ADMIN, Role.EDITOR)
        product = Product.create(
            cmd.name,
            cmd.price_cents,
            cmd.stock,
            self._clock.now(),
            description=cmd.description,
            active=cmd.active,
            image_ids=list(cmd.image_ids),
        )
        async with self._uow as uow:
            # In the transaction, so the files stay locked until the product holds them.
            await check_image_ids(actor, cmd.image_ids, uow.attachable_images)
            await uow.products.add(product)
            await uow.commit()
        return ProductView.from_product(product, self._currency)
