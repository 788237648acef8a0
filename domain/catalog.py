"""Catalog: products, their prices and their stock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4

from domain.errors import Conflict, FieldError, NotFound, ValidationFailed

MAX_PRODUCT_NAME = 200
MAX_PRODUCT_DESCRIPTION = 10_000


class ProductNotFound(NotFound):
    """No such product, or one the caller may not see."""

    message = "Product not found"


class InsufficientStock(Conflict):
    """Stock would go below zero."""

    def __init__(self, product_name: str) -> None:
        super().__init__(f"Insufficient stock for {product_name}")
        self.product_name = product_name


def check_product_fields(
    name: str | None = None,
    price_cents: int | None = None,
    stock: int | None = None,
    description: str | None = None,
) -> None:
    """Raise one ValidationFailed listing every invalid product field given."""
    errors = []
    if name is not None and not 1 <= len(name.strip()) <= MAX_PRODUCT_NAME:
        errors.append(FieldError("name", f"Name must be 1 to {MAX_PRODUCT_NAME} characters"))
    if description is not None and len(description) > MAX_PRODUCT_DESCRIPTION:
        errors.append(FieldError("description", "Description is too long"))
    if price_cents is not None and price_cents < 1:
        errors.append(FieldError("priceCents", "Price must be at least 1 cent"))
    if stock is not None and stock < 0:
        errors.append(FieldError("stock", "Stock must not be negative"))
    if errors:
        raise ValidationFailed(*errors)


@dataclass
class Product:
    """Something the store sells."""

    id: UUID
    name: str
    description: str
    price_cents: int
    stock: int
    active: bool
    created_at: datetime
    updated_at: datetime
    image_ids: list[UUID] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        name: str,
        price_cents: int,
        stock: int,
        now: datetime,
        description: str = "",
        active: bool = True,
        image_ids: list[UUID] | None = None,
    ) -> Product:
        """A new product, validated."""
        check_product_fields(
            name=name, price_cents=price_cents, stock=stock, description=description
        )
        return cls(
            uuid4(),
            name.strip(),
            description,
            price_cents,
            stock,
            active,
            now,
            now,
            list(image_ids or []),
        )

    def adjust_stock(self, delta: int, now: datetime) -> None:
        """Add (or with a negative delta remove) stock; never below zero."""
        if self.stock + delta < 0:
            raise InsufficientStock(self.name)
        self.stock += delta
        self.updated_at = now
