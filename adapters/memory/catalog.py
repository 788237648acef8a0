"""The catalog context in memory: the products table, its repository, what a unit of work
builds."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

from adapters.memory.paging import keyset_page
from adapters.memory.registry import MemoryContextRepositories
from application.catalog.ports import PRODUCT_SORT_VALUES, ProductQuery, ProductRepository
from application.shared.paging import Page, SortValue
from domain.catalog import Product
from domain.ordering import Order


@dataclass
class CatalogTables:
    """The catalog part of the in-memory store."""

    products: dict[UUID, Product] = field(default_factory=dict)


class CatalogStore(Protocol):
    """What the product repository reads: the products, and the orders that may name them
    (the port asks the catalog whether a product was ordered)."""

    products: dict[UUID, Product]
    orders: dict[UUID, Order]


def _product_key(value: SortValue, product_id: UUID) -> tuple[SortValue, str]:
    # Names sort case-insensitively, as lower(name) does in SQL; ids break ties.
    return (value.lower() if isinstance(value, str) else value, str(product_id))


class MemoryProductRepository:
    """Products in a dict."""

    def __init__(self, store: CatalogStore) -> None:
        self._store = store

    async def get(self, product_id: UUID) -> Product | None:
        """A copy of the product."""
        product = self._store.products.get(product_id)
        return copy.deepcopy(product) if product else None

    async def get_many(self, product_ids: Sequence[UUID]) -> dict[UUID, Product]:
        """Copies of the products that exist."""
        return {
            pid: copy.deepcopy(self._store.products[pid])
            for pid in product_ids
            if pid in self._store.products
        }

    async def add(self, product: Product) -> None:
        """Insert."""
        self._store.products[product.id] = copy.deepcopy(product)

    async def update(self, product: Product) -> None:
        """Overwrite everything but the stock."""
        current = self._store.products[product.id]
        updated = copy.deepcopy(product)
        updated.stock = current.stock
        self._store.products[product.id] = updated

    async def delete(self, product_id: UUID) -> None:
        """Remove."""
        self._store.products.pop(product_id, None)

    async def list(self, query: ProductQuery) -> Page[Product]:
        """Filter, sort, slice."""
        items = list(self._store.products.values())
        if not query.include_inactive:
            items = [p for p in items if p.active]
        if query.search:
            needle = query.search.lower()
            items = [
                p for p in items if needle in p.name.lower() or needle in p.description.lower()
            ]
        if query.min_price is not None:
            items = [p for p in items if p.price_cents >= query.min_price]
        if query.max_price is not None:
            items = [p for p in items if p.price_cents <= query.max_price]
        if query.in_stock is not None:
            items = [p for p in items if (p.stock > 0) is query.in_stock]
        value = PRODUCT_SORT_VALUES[query.sort.field]
        items.sort(key=lambda p: _product_key(value(p), p.id), reverse=query.sort.descending)
        found = [copy.deepcopy(p) for p in items]
        return keyset_page(found, query.page, query.sort, value, _product_key)

    async def try_adjust_stock(self, product_id: UUID, delta: int) -> int | None:
        """Adjust unless below zero."""
        product = self._store.products.get(product_id)
        if product is None or product.stock + delta < 0:
            return None
        product.stock += delta
        return product.stock

    async def try_reserve(self, product_id: UUID, quantity: int) -> Product | None:
        """Reserve from an active product unless below zero; a copy of it as reserved."""
        product = self._store.products.get(product_id)
        if product is None or not product.active or product.stock < quantity:
            return None
        product.stock -= quantity
        return copy.deepcopy(product)

    async def is_ordered(self, product_id: UUID) -> bool:
        """Any order line for it?"""
        return any(
            line.product_id == product_id
            for order in self._store.orders.values()
            for line in order.lines
        )


class MemoryCatalogRepositories(MemoryContextRepositories):
    """The catalog repositories of a memory unit of work."""

    products: ProductRepository

    REPOSITORIES = {"products": MemoryProductRepository}
