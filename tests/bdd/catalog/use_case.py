"""The catalog actions on the use cases."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from application.catalog.commands import (
    AdjustStockCommand,
    CreateProductCommand,
    ListProductsQuery,
    UpdateProductCommand,
)
from application.catalog.views import ProductView
from application.shared.actor import Actor
from application.shared.paging import Page, PageRequest
from tests.bdd.catalog.driver import CatalogDriver, ProductFilters, product_data
from tests.bdd.shared.outcome import Outcome
from tests.bdd.shared.shapes import page_of
from tests.bdd.shared.use_case import UseCaseSystem

# Wire names of the product fields staff may change, to the command's attribute names.
_PRODUCT_FIELDS = {
    "name": "name",
    "description": "description",
    "priceCents": "price_cents",
    "active": "active",
    "imageIds": "image_ids",
}


def _command_value(wire_name: str, value: Any) -> Any:
    """A wire value as the command takes it (image ids as a tuple of UUIDs)."""
    return tuple(UUID(i) for i in value) if wire_name == "imageIds" else value


class UseCaseCatalog(CatalogDriver):
    """Calls the catalog use cases from the container."""

    system: UseCaseSystem

    def __init__(self, system: UseCaseSystem) -> None:
        super().__init__(system)
        self.container = system.container

    def create_product(self, access: str | None, fields: dict[str, Any]) -> Outcome:
        """Staff add a product."""
        cmd = CreateProductCommand(
            name=fields["name"],
            price_cents=fields["priceCents"],
            stock=fields["stock"],
            description=fields.get("description", ""),
            active=fields.get("active", True),
        )
        return self.system.as_bearer(
            access, lambda actor: self.container.catalog.create_product()(actor, cmd), product_data
        )

    def update_product(
        self, access: str | None, product_id: str, changes: dict[str, Any]
    ) -> Outcome:
        """Staff change some fields of a product."""
        values = {_PRODUCT_FIELDS[k]: _command_value(k, v) for k, v in changes.items()}
        cmd = UpdateProductCommand(product_id=UUID(product_id), **values)
        return self.system.as_bearer(
            access, lambda actor: self.container.catalog.update_product()(actor, cmd), product_data
        )

    def adjust_stock(self, access: str | None, product_id: str, delta: int) -> Outcome:
        """Staff add or remove stock."""
        cmd = AdjustStockCommand(UUID(product_id), delta)
        return self.system.as_bearer(
            access, lambda actor: self.container.catalog.adjust_stock()(actor, cmd), product_data
        )

    def delete_product(self, access: str | None, product_id: str) -> Outcome:
        """An admin deletes a product."""
        return self.system.as_bearer(
            access,
            lambda actor: self.container.catalog.delete_product()(actor, UUID(product_id)),
            lambda _: None,
        )

    def list_products(self, access: str | None, filters: ProductFilters) -> Outcome:
        """Browse the catalog."""

        async def act(actor: Actor | None) -> Page[ProductView]:
            # Built inside the call: out-of-range paging is a validation refusal.
            query = ListProductsQuery(
                search=filters.search,
                min_price=filters.min_price,
                max_price=filters.max_price,
                in_stock=filters.in_stock,
                sort=filters.sort,
                page=PageRequest(page=filters.page or 1, limit=filters.limit or 20),
            )
            return await self.container.catalog.list_products()(actor, query)

        return self.system.as_anyone(access, act, page_of(product_data))

    def get_product(self, access: str | None, product_id: str) -> Outcome:
        """Look at one product."""
        return self.system.as_anyone(
            access,
            lambda actor: self.container.catalog.get_product()(actor, UUID(product_id)),
            product_data,
        )
