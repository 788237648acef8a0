"""Catalog ports: the product repository and its query, and the images products may show."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.shared.paging import Page, PageRequest, Sort, SortShape, SortValue
from application.shared.ports import Transaction
from domain.catalog import Product

PRODUCT_SORT_FIELDS = ("name", "priceCents", "createdAt")
# The value a product sorts by, per sort field: what a page's next cursor carries.
PRODUCT_SORT_VALUES: Mapping[str, Callable[[Product], SortValue]] = {
    "name": lambda product: product.name,
    "priceCents": lambda product: product.price_cents,
    "createdAt": lambda product: product.created_at,
}
PRODUCT_SORT_SHAPES: Mapping[str, SortShape] = {
    "name": str,
    "priceCents": int,
    "createdAt": datetime,
}


@dataclass(frozen=True)
class ProductQuery:
    """Filters for the product list. `search` matches name or description, case-insensitively."""

    search: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool | None = None
    include_inactive: bool = False
    sort: Sort = Sort("createdAt")  # noqa: RUF009 - frozen, immutable default
    page: PageRequest = PageRequest()  # noqa: RUF009 - frozen, immutable default


class ProductRepository(Protocol):
    """Stores products. Stock only ever changes through `try_adjust_stock`."""

    async def get(self, product_id: UUID) -> Product | None:
        """The product, if any."""
        ...

    async def get_many(self, product_ids: Sequence[UUID]) -> dict[UUID, Product]:
        """The products among these ids that exist, in one query."""
        ...

    async def add(self, product: Product) -> None:
        """Insert a new product."""
        ...

    async def update(self, product: Product) -> None:
        """Persist every field except `stock` (so an edit never undoes a reservation)."""
        ...

    async def delete(self, product_id: UUID) -> None:
        """Remove the product."""
        ...

    async def list(self, query: ProductQuery) -> Page[Product]:
        """One page of products; a fixed number of statements whatever the page size."""
        ...

    async def try_adjust_stock(self, product_id: UUID, delta: int) -> int | None:
        """Atomically add `delta` (may be negative) unless stock would go below zero.

        One conditional UPDATE (`stock + delta >= 0`), so concurrent reservations can never
        oversell. Returns the new stock, or None when refused or the product is missing.
        """
        ...

    async def try_reserve(self, product_id: UUID, quantity: int) -> Product | None:
        """Take `quantity` from an active product's stock unless it would go below zero, and
        return the product as reserved: its name and price are what an order line records.

        One conditional UPDATE ... RETURNING, so the reservation and the read are one
        statement: no price change can fall between them, and nothing can oversell. None
        when refused, or when the product is missing or inactive.
        """
        ...

    async def is_ordered(self, product_id: UUID) -> bool:
        """True when any order has a line for this product."""
        ...


class AttachableImages(Protocol):
    """Uploaded files as the catalog sees them: which exist, and whose they are.

    The catalog's own port, so it knows no other context; the adapters answer it from the
    media files' table.
    """

    async def owners(self, image_ids: Sequence[UUID]) -> dict[UUID, UUID]:
        """The owner of each of these ids that names an uploaded file, in one query.

        In a writing unit of work the files found stay locked until it ends (on Postgres
        `FOR SHARE`; SQLite and memory run writers one at a time), so none can be deleted
        while a product takes it.
        """
        ...


class CatalogUnitOfWork(Transaction, Protocol):
    """One transaction over the products and the images they may show."""

    products: ProductRepository
    attachable_images: AttachableImages
