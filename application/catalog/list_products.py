"""Use case: anyone browses the catalog."""

from __future__ import annotations

from dataclasses import replace

from application.catalog.commands import ListProductsQuery
from application.catalog.ports import (
    PRODUCT_SORT_FIELDS,
    PRODUCT_SORT_SHAPES,
    CatalogUnitOfWork,
    ProductQuery,
)
from application.catalog.views import ProductView
from application.shared.actor import Actor
from application.shared.paging import Page, Sort
from domain.errors import FieldError, ValidationFailed

DEFAULT_PRODUCT_SORT = Sort("createdAt")
# A search's total is exact up to this many matches, then "at least" (docs/api.md): counting
# a thousand matches of a word in 5% of a million products reads 20,000 descriptions, this
# bound a fifth of that, while a list without a search keeps the general bound (1,000).
SEARCH_COUNT_LIMIT = 200


def _check_price_range(min_price: int | None, max_price: int | None) -> None:
    errors = []
    if min_price is not None and min_price < 0:
        errors.append(FieldError("minPrice", "minPrice must not be negative"))
    if max_price is not None and max_price < 0:
        errors.append(FieldError("maxPrice", "maxPrice must not be negative"))
    if min_price is not None and max_price is not None and min_price > max_price:
        errors.append(FieldError("minPrice", "minPrice must not exceed maxPrice"))
    if errors:
        raise ValidationFailed(*errors)


class ListProducts:
    """Search, filter, sort and page products; only active ones for non-staff."""

    def __init__(self, uow: CatalogUnitOfWork, currency: str) -> None:
        self._uow = uow
        self._currency = currency

    async def __call__(self, actor: Actor | None, query: ListProductsQuery) -> Page[ProductView]:
        """One page, or ValidationFailed (unknown sort field, bad price range, a cursor
        made for another sort)."""
        sort = Sort.parse(query.sort, PRODUCT_SORT_FIELDS, DEFAULT_PRODUCT_SORT)
        if query.page.cursor is not None:
            query.page.cursor.check_sort(sort, PRODUCT_SORT_SHAPES[sort.field])
        _check_price_range(query.min_price, query.max_price)
        search = query.search.strip() if query.search else None
        repo_query = ProductQuery(
            search=search or None,
            min_price=query.min_price,
            max_price=query.max_price,
            in_stock=query.in_stock,
            include_inactive=actor is not None and actor.is_staff,
            sort=sort,
            page=replace(query.page, count_limit=SEARCH_COUNT_LIMIT) if search else query.page,
        )
        async with self._uow as uow:
            page = await uow.products.list(repo_query)
        return page.map(lambda product: ProductView.from_product(product, self._currency))
