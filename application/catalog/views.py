"""What catalog use cases return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.shared.projection import project
from domain.catalog import Product


@dataclass(frozen=True)
class ProductView:
    """A product as callers see it, priced in the store currency."""

    id: UUID
    name: str
    description: str
    price_cents: int
    currency: str
    stock: int
    active: bool
    image_ids: tuple[UUID, ...]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_product(cls, product: Product, currency: str) -> ProductView:
        """Project a product entity to its view."""
        return project(product, cls, currency=currency, image_ids=tuple(product.image_ids))
