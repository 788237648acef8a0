"""Inputs of the catalog use cases, in business terms."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.shared.paging import PageRequest


@dataclass(frozen=True)
class CreateProductCommand:
    """Staff add a product."""

    name: str
    price_cents: int
    stock: int
    description: str = ""
    active: bool = True
    image_ids: tuple[UUID, ...] = ()


@dataclass(frozen=True)
class UpdateProductCommand:
    """Staff change a product; None leaves a field as it is (stock changes via AdjustStock)."""

    product_id: UUID
    name: str | None = None
    description: str | None = None
    price_cents: int | None = None
    active: bool | None = None
    image_ids: tuple[UUID, ...] | None = None


@dataclass(frozen=True)
class AdjustStockCommand:
    """Staff add (or with a negative delta remove) stock."""

    product_id: UUID
    delta: int


@dataclass(frozen=True)
class ListProductsQuery:
    """Product list filters; `sort` is `field` or `-field` over name, priceCents, createdAt."""

    search: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool | None = None
    sort: str | None = None
    page: PageRequest = PageRequest()  # noqa: RUF009 - frozen, so sharing it is safe
