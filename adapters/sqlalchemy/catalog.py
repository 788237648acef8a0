"""The catalog context in SQL: the products table, its repository, what a unit of work builds."""

from __future__ import annotations

import builtins
import functools
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ColumnElement,
    Index,
    Integer,
    Select,
    String,
    Table,
    Text,
    Uuid,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB

from adapters.sqlalchemy.mapping import Codec, EntityMapping
from adapters.sqlalchemy.metadata import Cents, UTCDateTime, metadata
from adapters.sqlalchemy.ordering.tables import order_lines
from adapters.sqlalchemy.paging import (
    after_cursor,
    after_value,
    bounded_count,
    ordered,
    page_params,
)
from adapters.sqlalchemy.reader import ReadConnection, Reader
from adapters.sqlalchemy.registry import SqlContextRepositories
from adapters.sqlalchemy.statements import like_pattern
from application.catalog.ports import PRODUCT_SORT_VALUES, ProductQuery, ProductRepository
from application.shared.paging import Page, fetched_page
from domain.catalog import Product

products = Table(
    "products",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("description", Text(), nullable=False),
    Column("price_cents", Cents(), nullable=False),
    # Only try_adjust_stock's conditional UPDATE changes it; the CHECK is the last line of defence.
    Column("stock", Integer(), nullable=False),
    Column("active", Boolean(), nullable=False),
    # A JSON list of media ids as strings; JSONB on Postgres so "which products use this
    # image" can be answered with containment (@>) later.
    Column("image_ids", JSON().with_variant(JSONB(), "postgresql"), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    CheckConstraint("stock >= 0", name="stock_non_negative"),
    # The public list is "active ones, newest first"; price and name serve the other sorts
    # and the price range filter.
    Index(None, "active", "created_at"),
    Index(None, "price_cents"),
    Index(None, "name"),
)


# Built at import, where it checks that Product's fields and the table's columns match.
_PRODUCT = EntityMapping(
    Product,
    products,
    codecs={
        "image_ids": Codec(
            encode=lambda ids: [str(image_id) for image_id in ids],
            decode=lambda ids: [UUID(image_id) for image_id in ids],
        )
    },
)


def _sort_key(dialect: str, field: str, value: ColumnElement[Any] | None = None) -> Any:
    """The ORDER BY expression of a sort field; with `value`, the same expression of a
    cursor's value, so a keyset comparison uses exactly the order the page was sorted in."""
    if field == "priceCents":
        return products.c.price_cents if value is None else value
    if field == "createdAt":
        return products.c.created_at if value is None else value
    key = func.lower(products.c.name if value is None else value)
    # Byte order, like Python's str comparison, whatever the database's locale is.
    return key.collate("C") if dialect == "postgresql" else key


_CURSOR_TYPES: dict[str, Any] = {
    "priceCents": Cents(),
    "createdAt": UTCDateTime(),
    "name": String(),
}


@functools.lru_cache(maxsize=256)
def _list_statements(
    dialect: str,
    include_inactive: bool,
    search: bool,
    min_price: bool,
    max_price: bool,
    in_stock: bool | None,
    sort_field: str,
    descending: bool,
    cursor: bool,
) -> tuple[Select[Any], Select[Any]]:
    """The page and count statements for one shape of query, built once: building a select
    costs more than running a cached one. Values travel as bind parameters.

    The count stops at `count_limit` rows, so it costs the same whatever the table's size;
    with a cursor, the page starts after the cursor's row (keyset paging: an index range
    scan, however deep the page)."""
    conditions: builtins.list[ColumnElement[bool]] = []
    if not include_inactive:
        conditions.append(products.c.active.is_(True))
    if search:
        pattern = bindparam("pattern", type_=String)
        conditions.append(
            or_(
                func.lower(products.c.name).like(pattern, escape="\\"),
                func.lower(products.c.description).like(pattern, escape="\\"),
            )
        )
    if min_price:
        conditions.append(products.c.price_cents >= bindparam("min_price"))
    if max_price:
        conditions.append(products.c.price_cents <= bindparam("max_price"))
    if in_stock is True:
        conditions.append(products.c.stock > 0)
    elif in_stock is False:
        conditions.append(products.c.stock == 0)
    key = _sort_key(dialect, sort_field)
    page_conditions = list(conditions)
    if cursor:
        value_key = _sort_key(dialect, sort_field, after_value(_CURSOR_TYPES[sort_field]))
        page_conditions.append(after_cursor(key, value_key, products.c.id, descending))
    page_stmt = (
        select(products)
        .where(*page_conditions)
        .order_by(*ordered(key, products.c.id, descending))
        .offset(bindparam("offset", type_=Integer))
        .limit(bindparam("limit", type_=Integer))
    )
    count_stmt = bounded_count(products.c.id, conditions)
    return page_stmt, count_stmt


# Built once, like the list statements.
_PRODUCT_BY_ID = select(products).where(products.c.id == bindparam("product_id"))
# An order's products in one round trip; the IN list expands per call, the statement doesn't.
_PRODUCTS_BY_IDS = select(products).where(products.c.id.in_(bindparam("ids", expanding=True)))
# A reservation: the WHERE refuses it (no row back) when it would take the stock below zero.
_ADJUST_STOCK = (
    update(products)
    .where(products.c.id == bindparam("product_id"), products.c.stock + bindparam("delta") >= 0)
    .values(stock=products.c.stock + bindparam("delta"))
    .returning(products.c.stock)
)

# An order's reservation: the same condition, on active products only, returning the row the
# order line copies its name and price from.
_RESERVE = (
    update(products)
    .where(
        products.c.id == bindparam("product_id"),
        products.c.active.is_(True),
        products.c.stock >= bindparam("quantity"),
    )
    .values(stock=products.c.stock - bindparam("quantity"))
    .returning(*products.c)
)


class SqlProductRepository:
    """Products in the `products` table."""

    def __init__(self, session: ReadConnection, dialect: str, reader: Reader) -> None:
        self._session = session
        self._dialect = dialect
        self._reader = reader

    async def get(self, product_id: UUID) -> Product | None:
        """The product, if any."""
        row = await self._reader.first(_PRODUCT_BY_ID, {"product_id": product_id})
        return _PRODUCT.entity(row) if row else None

    async def get_many(self, product_ids: Sequence[UUID]) -> dict[UUID, Product]:
        """The existing products among these ids, in one query."""
        if not product_ids:
            return {}
        rows = (
            (await self._session.execute(_PRODUCTS_BY_IDS, {"ids": list(product_ids)}))
            .mappings()
            .all()
        )
        return {row["id"]: _PRODUCT.entity(row) for row in rows}

    async def add(self, product: Product) -> None:
        """Insert a new product."""
        await self._session.execute(insert(products).values(_PRODUCT.values(product)))

    async def update(self, product: Product) -> None:
        """Overwrite every field but `stock`, so an edit never undoes a concurrent reservation."""
        values = _PRODUCT.values(product)
        del values["id"], values["stock"]
        await self._session.execute(
            update(products).where(products.c.id == product.id).values(values)
        )

    async def delete(self, product_id: UUID) -> None:
        """Remove the product (order lines keep their captured name and price)."""
        await self._session.execute(delete(products).where(products.c.id == product_id))

    async def list(self, query: ProductQuery) -> Page[Product]:
        """Filter, sort (id breaks ties), page: one statement for the page, one for the total."""
        page_stmt, count_stmt = _list_statements(
            self._dialect,
            query.include_inactive,
            bool(query.search),
            query.min_price is not None,
            query.max_price is not None,
            query.in_stock,
            query.sort.field,
            query.sort.descending,
            query.page.cursor is not None,
        )
        params = page_params(query.page)
        if query.search:
            params["pattern"] = like_pattern(query.search.lower())
        if query.min_price is not None:
            params["min_price"] = query.min_price
        if query.max_price is not None:
            params["max_price"] = query.max_price
        # A search is planned for its word: the best plan for a word in five products (the
        # trigram index) is the worst for one in half of them (a scan stopping early).
        searching = bool(query.search)
        rows = await self._reader.all(page_stmt, params, planned_per_call=searching)
        total = int(await self._reader.scalar(count_stmt, params, planned_per_call=searching))
        items = [_PRODUCT.entity(r) for r in rows]
        return fetched_page(
            items, query.page, query.sort, total, PRODUCT_SORT_VALUES[query.sort.field]
        )

    async def try_adjust_stock(self, product_id: UUID, delta: int) -> int | None:
        """One conditional UPDATE ... RETURNING: the new stock, or None when refused or missing.

        Postgres re-checks the WHERE on the latest row after a concurrent writer commits, and
        SQLite runs writers one at a time, so concurrent reservations can never oversell.
        """
        params = {"product_id": product_id, "delta": delta}
        stock = (await self._session.execute(_ADJUST_STOCK, params)).scalar_one_or_none()
        return int(stock) if stock is not None else None

    async def try_reserve(self, product_id: UUID, quantity: int) -> Product | None:
        """One conditional UPDATE ... RETURNING the reserved product's row."""
        params = {"product_id": product_id, "quantity": quantity}
        rows = await self._reader.write(_RESERVE, params)
        return _PRODUCT.entity(rows[0]) if rows else None

    async def is_ordered(self, product_id: UUID) -> bool:
        """True when any order line refers to the product."""
        # The port asks the catalog, though the lines are ordering's table: the one place the
        # catalog's adapter reads another context's table.
        stmt = select(exists().where(order_lines.c.product_id == product_id))
        return bool((await self._session.execute(stmt)).scalar_one())


class SqlCatalogRepositories(SqlContextRepositories):
    """The catalog repositories of a SQL unit of work."""

    products: ProductRepository

    REPOSITORIES = {
        "products": lambda s: SqlProductRepository(s.connection, s.dialect, s.reader),
    }
