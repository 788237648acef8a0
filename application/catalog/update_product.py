"""Use case: staff change a product."""

from __future__ import annotations

from application.catalog.commands import UpdateProductCommand
from application.catalog.images import check_image_ids
from application.catalog.ports import CatalogUnitOfWork
from application.catalog.views import ProductView
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.accounts import Role
from domain.catalog import ProductNotFound, check_product_fields


class UpdateProduct:
    """Partially update a product; admins and editors. Stock changes only via AdjustStock."""

    def __init__(self, uow: CatalogUnitOfWork, clock: Clock, currency: str) -> None:
        self._uow = uow
        self._clock = clock
        self._currency = currency

    async def __call__(self, actor: Actor, cmd: UpdateProductCommand) -> ProductView:
        """The updated product, or PermissionDenied / ValidationFailed / ProductNotFound."""
        actor.require(Role.ADMIN, Role.EDITOR)
        check_product_fields(
            name=cmd.name, price_cents=cmd.price_cents, description=cmd.description
        )
        async with self._uow as uow:
            product = await uow.products.get(cmd.product_id)
            if product is None:
                raise ProductNotFound()
            if cmd.name is not None:
                product.name = cmd.name.strip()
            if cmd.description is not None:
                product.description = cmd.description
            if cmd.price_cents is not None:
                product.price_cents = cmd.price_cents
            if cmd.active is not None:
                product.active = cmd.active
            if cmd.image_ids is not None:
                # Only the images it didn't show yet: one an admin attached stays attachable.
                added = [i for i in cmd.image_ids if i not in product.image_ids]
                await check_image_ids(actor, added, uow.attachable_images)
                product.image_ids = list(cmd.image_ids)
            product.updated_at = self._clock.now()
            await uow.products.update(product)
            await uow.commit()
        return ProductView.from_product(product, self._currency)
