"""What the catalog steps ask of a driver: staff change products, anyone browses them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.catalog.commands import CreateProductCommand
from application.catalog.views import ProductView
from application.shared.actor import Actor
from domain.catalog import ProductNotFound
from tests.bdd.shared.outcome import Outcome
from tests.bdd.shared.system import System


@dataclass
class ProductFilters:
    """Catalog list parameters (prices in cents), None meaning "not given"."""

    search: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool | None = None
    sort: str | None = None
    page: int | None = None
    limit: int | None = None


def product_data(view: ProductView) -> dict[str, Any]:
    """A product as the HTTP API shows it."""
    return {
        "id": str(view.id),
        "name": view.name,
        "description": view.description,
        "priceCents": view.price_cents,
        "currency": view.currency,
        "stock": view.stock,
        "active": view.active,
        "imageIds": [str(i) for i in view.image_ids],
        "createdAt": view.created_at.isoformat(),
        "updatedAt": view.updated_at.isoformat(),
    }


class CatalogDriver(ABC):
    """Catalog actions against one way into the system, reported as neutral outcomes."""

    def __init__(self, system: System) -> None:
        self.system = system

    # --- arrange and observe: a back door through the use cases, same for both drivers ---

    def seed_product(self, name: str, price_cents: int, stock: int, *, active: bool = True) -> str:
        """Add a product directly (as the CLI operator would) and return its id."""
        self.system.tick()
        cmd = CreateProductCommand(name, price_cents, stock, active=active)
        container = self.system.container

        async def seed() -> str:
            view = await container.catalog.create_product()(Actor.system(), cmd)
            return str(view.id)

        return self.system.run(seed)

    def product_state(self, product_id: str) -> dict[str, Any] | None:
        """A product as staff see it, None when it no longer exists."""
        container = self.system.container

        async def read() -> dict[str, Any] | None:
            try:
                view = await container.catalog.get_product()(Actor.system(), UUID(product_id))
            except ProductNotFound:
                return None
            return product_data(view)

        return self.system.run(read)

    # --- act ------------------------------------------------------------------------------

    @abstractmethod
    def create_product(self, access: str | None, fields: dict[str, Any]) -> Outcome:
        """Staff add a product (camelCase fields: name, priceCents, stock, active...)."""

    @abstractmethod
    def update_product(
        self, access: str | None, product_id: str, changes: dict[str, Any]
    ) -> Outcome:
        """Staff change some fields (camelCase names) of a product."""

    @abstractmethod
    def adjust_stock(self, access: str | None, product_id: str, delta: int) -> Outcome:
        """Staff add or remove stock."""

    @abstractmethod
    def delete_product(self, access: str | None, product_id: str) -> Outcome:
        """An admin deletes a product."""

    @abstractmethod
    def list_products(self, access: str | None, filters: ProductFilters) -> Outcome:
        """Browse the catalog."""

    @abstractmethod
    def get_product(self, access: str | None, product_id: str) -> Outcome:
        """Look at one product."""
