"""Contract: every ProductRepository stores, lists and reserves stock the same way."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import event, update
from sqlalchemy.exc import IntegrityError

from adapters.sqlalchemy.catalog import products
from application.catalog.ports import ProductQuery
from application.shared.paging import Cursor, PageRequest, Sort
from domain.catalog import Product
from tests.support.builders import T0, is_utc, make_order, make_product, make_user
from tests.support.databases import UnitOfWorkFactory
from tests.support.statements import count_statements

# The same on every backend. On SQLite, BEGIN IMMEDIATE queues the writers on the file lock
# (busy_timeout 5 s) and the engine's pool caps the contenders at 25, the rest waiting for a
# connection; the 100 transactions take 1-2 s here, well inside the timeout.
CONCURRENT_RESERVATIONS = 100


async def _add(uow_factory: UnitOfWorkFactory, *products: Product) -> None:
    async with uow_factory() as uow:
        for product in products:
            await uow.products.add(product)
        await uow.commit()


async def _names(uow_factory: UnitOfWorkFactory, query: ProductQuery) -> list[str]:
    async with uow_factory() as uow:
        page = await uow.products.list(query)
    return [p.name for p in page.items]


async def _stock(uow_factory: UnitOfWorkFactory, product: Product) -> int | None:
    async with uow_factory() as uow:
        stored = await uow.products.get(product.id)
    return stored.stock if stored else None


# --- storing ---------------------------------------------------------------------------------


async def test_added_product_is_found_with_every_field(uow_factory: UnitOfWorkFactory) -> None:
    product = make_product(
        "Blue Mug", description="A mug.\nBlue.", image_ids=[uuid4(), uuid4()], stock=3
    )
    await _add(uow_factory, product)

    async with uow_factory() as uow:
        found = await uow.products.get(product.id)

    assert found == product
    assert found is not None and is_utc(found.created_at) and is_utc(found.updated_at)


async def test_unknown_product_is_none(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.products.get(uuid4()) is None


async def test_get_many_returns_only_the_existing_products(
    uow_factory: UnitOfWorkFactory,
) -> None:
    mug, plate = make_product("Mug"), make_product("Plate")
    await _add(uow_factory, mug, plate, make_product("Bowl"))

    async with uow_factory() as uow:
        found = await uow.products.get_many([mug.id, plate.id, uuid4()])
        none = await uow.products.get_many([])

    assert found == {mug.id: mug, plate.id: plate}
    assert none == {}


async def test_update_persists_every_field_but_the_stock(uow_factory: UnitOfWorkFactory) -> None:
    product = make_product("Mug", stock=10)
    await _add(uow_factory, product)
    async with uow_factory() as uow:
        await uow.products.try_adjust_stock(product.id, -3)  # a reservation meanwhile
        await uow.commit()
    edited = replace(
        product,
        name="Big Mug",
        description="Bigger",
        price_cents=1200,
        stock=99,  # a stale copy's stock must not overwrite the reservation
        active=False,
        image_ids=[uuid4()],
        updated_at=T0 + timedelta(hours=1),
    )

    async with uow_factory() as uow:
        await uow.products.update(edited)
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.products.get(product.id)
    assert stored == replace(edited, stock=7)


async def test_deleted_product_is_gone(uow_factory: UnitOfWorkFactory) -> None:
    doomed, kept = make_product("Doomed"), make_product("Kept")
    await _add(uow_factory, doomed, kept)

    async with uow_factory() as uow:
        await uow.products.delete(doomed.id)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.products.get(doomed.id) is None
        assert await uow.products.get(kept.id) == kept


async def test_a_product_is_ordered_once_an_order_line_refers_to_it(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ordered, unordered = make_product("Ordered"), make_product("Unordered")
    await _add(uow_factory, ordered, unordered)
    async with uow_factory() as uow:
        await uow.orders.add(make_order(make_user().id, [(ordered, 2)]))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.products.is_ordered(ordered.id) is True
        assert await uow.products.is_ordered(unordered.id) is False


async def test_an_ordered_product_can_still_be_deleted(uow_factory: UnitOfWorkFactory) -> None:
    product = make_product("Mug")
    await _add(uow_factory, product)
    order = make_order(make_user().id, [(product, 2)])
    async with uow_factory() as uow:
        await uow.orders.add(order)
        await uow.commit()

    async with uow_factory() as uow:
        await uow.products.delete(product.id)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.products.get(product.id) is None
        stored = await uow.orders.get(order.id)
    assert stored is not None and stored.lines == order.lines


# --- stock -----------------------------------------------------------------------------------


async def test_stock_adjustments_return_the_new_stock(uow_factory: UnitOfWorkFactory) -> None:
    product = make_product(stock=5)
    await _add(uow_factory, product)

    async with uow_factory() as uow:
        after_removal = await uow.products.try_adjust_stock(product.id, -5)
        after_restock = await uow.products.try_adjust_stock(product.id, 3)
        await uow.commit()

    assert (after_removal, after_restock) == (0, 3)
    assert await _stock(uow_factory, product) == 3


async def test_stock_adjustment_below_zero_is_refused_and_changes_nothing(
    uow_factory: UnitOfWorkFactory,
) -> None:
    product = make_product(stock=1)
    await _add(uow_factory, product)

    async with uow_factory() as uow:
        first = await uow.products.try_adjust_stock(product.id, -1)
        refused = await uow.products.try_adjust_stock(product.id, -1)
        too_many = await uow.products.try_adjust_stock(product.id, -100)
        await uow.commit()

    assert (first, refused, too_many) == (0, None, None)
    assert await _stock(uow_factory, product) == 0


async def test_adjusting_the_stock_of_an_unknown_product_is_refused(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        assert await uow.products.try_adjust_stock(uuid4(), 1) is None


async def test_the_database_itself_refuses_a_negative_stock(
    sql_uow_factory: UnitOfWorkFactory,
) -> None:
    product = make_product(stock=1)
    await _add(sql_uow_factory, product)
    assert sql_uow_factory.engine is not None

    with pytest.raises(IntegrityError, match="stock_non_negative"):
        async with sql_uow_factory.engine.begin() as conn:
            await conn.execute(update(products).where(products.c.id == product.id).values(stock=-1))

    assert await _stock(sql_uow_factory, product) == 1


async def test_concurrent_reservations_never_oversell(uow_factory: UnitOfWorkFactory) -> None:
    product = make_product(stock=10)
    await _add(uow_factory, product)

    async def reserve() -> int | None:
        async with uow_factory() as uow:
            stock = await uow.products.try_adjust_stock(product.id, -1)
            await uow.commit()
            return stock

    results = await asyncio.gather(*(reserve() for _ in range(CONCURRENT_RESERVATIONS)))

    granted = [r for r in results if r is not None]
    assert len(granted) == 10
    assert sorted(granted) == list(range(10))
    assert await _stock(uow_factory, product) == 0


async def test_a_reservation_returns_the_product_as_reserved(
    uow_factory: UnitOfWorkFactory,
) -> None:
    product = make_product("Blue Mug", price_cents=1250, stock=5)
    await _add(uow_factory, product)

    async with uow_factory() as uow:
        reserved = await uow.products.try_reserve(product.id, 2)
        await uow.commit()

    assert reserved == replace(product, stock=3)
    assert await _stock(uow_factory, product) == 3


async def test_a_reservation_is_refused_past_the_stock_or_for_an_inactive_or_unknown_product(
    uow_factory: UnitOfWorkFactory,
) -> None:
    few, retired = make_product(stock=2), make_product(stock=9, active=False)
    await _add(uow_factory, few, retired)

    async with uow_factory() as uow:
        too_many = await uow.products.try_reserve(few.id, 3)
        inactive = await uow.products.try_reserve(retired.id, 1)
        unknown = await uow.products.try_reserve(uuid4(), 1)
        exact = await uow.products.try_reserve(few.id, 2)
        await uow.commit()

    assert (too_many, inactive, unknown) == (None, None, None)
    assert exact is not None and exact.stock == 0
    assert (await _stock(uow_factory, few), await _stock(uow_factory, retired)) == (0, 9)


async def test_concurrent_order_reservations_never_oversell(
    uow_factory: UnitOfWorkFactory,
) -> None:
    product = make_product(stock=10)
    await _add(uow_factory, product)

    async def reserve() -> int | None:
        async with uow_factory() as uow:
            reserved = await uow.products.try_reserve(product.id, 1)
            await uow.commit()
            return None if reserved is None else reserved.stock

    results = await asyncio.gather(*(reserve() for _ in range(CONCURRENT_RESERVATIONS)))

    granted = [r for r in results if r is not None]
    assert sorted(granted) == list(range(10))
    assert await _stock(uow_factory, product) == 0


# --- listing ---------------------------------------------------------------------------------


async def _catalog(uow_factory: UnitOfWorkFactory) -> None:
    await _add(
        uow_factory,
        make_product("Blue Mug", price_cents=900, stock=5, description="Ceramic, blue"),
        make_product("red plate", price_cents=1500, stock=0, created_at=T0 + timedelta(minutes=1)),
        make_product(
            "Green Bowl",
            price_cents=1200,
            stock=2,
            description="A BLUE rim",
            created_at=T0 + timedelta(minutes=2),
        ),
        make_product(
            "Old Cup",
            price_cents=300,
            stock=9,
            active=False,
            created_at=T0 + timedelta(minutes=3),
        ),
    )


async def test_list_shows_active_products_oldest_first_by_default(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _catalog(uow_factory)

    async with uow_factory() as uow:
        page = await uow.products.list(ProductQuery())

    assert [p.name for p in page.items] == ["Blue Mug", "red plate", "Green Bowl"]
    assert page.total == 3


async def test_list_includes_inactive_products_when_asked(uow_factory: UnitOfWorkFactory) -> None:
    await _catalog(uow_factory)

    names = await _names(uow_factory, ProductQuery(include_inactive=True))

    assert names == ["Blue Mug", "red plate", "Green Bowl", "Old Cup"]


async def test_list_searches_name_and_description_case_insensitively(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _catalog(uow_factory)

    by_description = await _names(uow_factory, ProductQuery(search="bLuE"))
    by_name = await _names(uow_factory, ProductQuery(search="PLATE"))

    assert by_description == ["Blue Mug", "Green Bowl"]
    assert by_name == ["red plate"]


async def test_list_search_takes_wildcards_literally(uow_factory: UnitOfWorkFactory) -> None:
    await _add(
        uow_factory,
        make_product("100% cotton"),
        make_product("1000 cotton", created_at=T0 + timedelta(seconds=1)),
        make_product("snake_case mug", created_at=T0 + timedelta(seconds=2)),
        make_product("snakeXcase mug", created_at=T0 + timedelta(seconds=3)),
        make_product("back\\slash", created_at=T0 + timedelta(seconds=4)),
    )

    percent = await _names(uow_factory, ProductQuery(search="0%"))
    underscore = await _names(uow_factory, ProductQuery(search="e_c"))
    backslash = await _names(uow_factory, ProductQuery(search="k\\s"))

    assert percent == ["100% cotton"]
    assert underscore == ["snake_case mug"]
    assert backslash == ["back\\slash"]


async def test_list_filters_by_price_range_inclusively(uow_factory: UnitOfWorkFactory) -> None:
    await _catalog(uow_factory)

    names = await _names(uow_factory, ProductQuery(min_price=900, max_price=1200))

    assert names == ["Blue Mug", "Green Bowl"]


async def test_list_filters_by_stock(uow_factory: UnitOfWorkFactory) -> None:
    await _catalog(uow_factory)

    in_stock = await _names(uow_factory, ProductQuery(in_stock=True))
    sold_out = await _names(uow_factory, ProductQuery(in_stock=False))

    assert in_stock == ["Blue Mug", "Green Bowl"]
    assert sold_out == ["red plate"]


async def test_list_sorts_by_name_case_insensitively_and_by_price(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _catalog(uow_factory)

    by_name = await _names(uow_factory, ProductQuery(sort=Sort("name")))
    by_price_desc = await _names(uow_factory, ProductQuery(sort=Sort("priceCents", True)))
    newest_first = await _names(uow_factory, ProductQuery(sort=Sort("createdAt", True)))

    assert by_name == ["Blue Mug", "Green Bowl", "red plate"]
    assert by_price_desc == ["red plate", "Green Bowl", "Blue Mug"]
    assert newest_first == ["Green Bowl", "red plate", "Blue Mug"]


async def test_list_breaks_ties_by_id(uow_factory: UnitOfWorkFactory) -> None:
    twins = [make_product(f"Twin {n}", price_cents=500) for n in range(4)]
    await _add(uow_factory, *twins)
    by_id = sorted(twins, key=lambda p: str(p.id))

    ascending = await _names(uow_factory, ProductQuery(sort=Sort("priceCents")))
    descending = await _names(uow_factory, ProductQuery(sort=Sort("priceCents", True)))

    assert ascending == [p.name for p in by_id]
    assert descending == [p.name for p in reversed(by_id)]


async def test_list_pages_with_totals(uow_factory: UnitOfWorkFactory) -> None:
    await _add(
        uow_factory,
        *(make_product(f"P{n}", created_at=T0 + timedelta(seconds=n)) for n in range(5)),
    )

    async with uow_factory() as uow:
        second = await uow.products.list(ProductQuery(page=PageRequest(page=2, limit=2)))
        beyond = await uow.products.list(ProductQuery(page=PageRequest(page=4, limit=2)))

    assert [p.name for p in second.items] == ["P2", "P3"]
    assert (second.total, second.total_pages, second.page, second.limit) == (5, 3, 2, 2)
    assert beyond.items == [] and beyond.total == 5


@pytest.mark.parametrize("read_only", [False, True], ids=["writer", "reader"])
async def test_list_runs_the_same_number_of_statements_whatever_the_page_size(
    sql_uow_factory: UnitOfWorkFactory, read_only: bool
) -> None:
    await _add(
        sql_uow_factory,
        *(make_product(f"P{n}", created_at=T0 + timedelta(seconds=n)) for n in range(60)),
    )
    open_uow = sql_uow_factory.read_only if read_only else sql_uow_factory

    async def statements(limit: int) -> int:
        async with count_statements(sql_uow_factory) as counter, open_uow() as uow:
            page = await uow.products.list(ProductQuery(page=PageRequest(limit=limit)))
        assert len(page.items) == limit
        return counter.count

    small, large = await statements(5), await statements(50)

    assert small == large == 2


# --- keyset paging and bounded counts ----------------------------------------------------------


async def _walk(uow_factory: UnitOfWorkFactory, sort: Sort, limit: int) -> list[list[str]]:
    """Every page by cursor, from the first page to the one without a next cursor."""
    pages: list[list[str]] = []
    request = PageRequest(limit=limit)
    async with uow_factory() as uow:
        while True:
            found = await uow.products.list(ProductQuery(sort=sort, page=request))
            pages.append([p.name for p in found.items])
            if found.next_cursor is None:
                return pages
            assert len(pages) < 20, "the cursor walk does not end"
            request = PageRequest(limit=limit, cursor=Cursor.decode(found.next_cursor))


@pytest.mark.parametrize(
    "sort",
    [
        Sort(field, descending)
        for field in ("name", "priceCents", "createdAt")
        for descending in (False, True)
    ],
    ids=lambda sort: ("-" if sort.descending else "") + sort.field,
)
async def test_a_cursor_walk_sees_what_page_numbers_see(
    uow_factory: UnitOfWorkFactory, sort: Sort
) -> None:
    # Shared prices, names differing only in case and shared timestamps: the id breaks ties.
    await _add(
        uow_factory,
        *(
            make_product(
                f"{'item' if n % 2 else 'Item'} {n % 4}",
                price_cents=100 * (n % 3) + 1,
                created_at=T0 + timedelta(seconds=n // 2),
            )
            for n in range(11)
        ),
    )

    async with uow_factory() as uow:
        by_number = [
            [
                p.name
                for p in (
                    await uow.products.list(
                        ProductQuery(sort=sort, page=PageRequest(page=n, limit=3))
                    )
                ).items
            ]
            for n in range(1, 5)
        ]

    assert await _walk(uow_factory, sort, 3) == by_number


async def test_a_cursor_page_names_no_page_number_and_the_last_page_no_next_cursor(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _add(
        uow_factory,
        *(make_product(f"P{n}", created_at=T0 + timedelta(seconds=n)) for n in range(4)),
    )

    async with uow_factory() as uow:
        first = await uow.products.list(ProductQuery(page=PageRequest(limit=2)))
        assert first.next_cursor is not None
        cursor = Cursor.decode(first.next_cursor)
        last = await uow.products.list(ProductQuery(page=PageRequest(limit=2, cursor=cursor)))

    assert (first.page, [p.name for p in first.items], first.total) == (1, ["P0", "P1"], 4)
    assert (last.page, [p.name for p in last.items], last.total) == (None, ["P2", "P3"], 4)
    assert last.next_cursor is None and last.total_exact


async def test_a_cursor_still_works_when_its_row_is_gone(uow_factory: UnitOfWorkFactory) -> None:
    made = [make_product(f"P{n}", created_at=T0 + timedelta(seconds=n)) for n in range(4)]
    await _add(uow_factory, *made)
    async with uow_factory() as uow:
        first = await uow.products.list(ProductQuery(page=PageRequest(limit=2)))
        await uow.products.delete(made[1].id)
        await uow.commit()
    assert first.next_cursor is not None

    async with uow_factory() as uow:
        after = await uow.products.list(
            ProductQuery(page=PageRequest(limit=2, cursor=Cursor.decode(first.next_cursor)))
        )

    assert [p.name for p in after.items] == ["P2", "P3"]


async def test_totals_beyond_the_count_limit_are_a_flagged_lower_bound(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _add(uow_factory, *(make_product(f"P{n}") for n in range(5)))

    async with uow_factory() as uow:
        bounded = await uow.products.list(ProductQuery(page=PageRequest(limit=2, count_limit=3)))
        exact = await uow.products.list(ProductQuery(page=PageRequest(limit=2, count_limit=5)))

    assert (bounded.total, bounded.total_exact, len(bounded.items)) == (3, False, 2)
    assert (exact.total, exact.total_exact) == (5, True)


async def test_a_cursor_page_runs_the_same_statements_as_a_first_page(
    sql_uow_factory: UnitOfWorkFactory,
) -> None:
    await _add(
        sql_uow_factory,
        *(make_product(f"P{n}", created_at=T0 + timedelta(seconds=n)) for n in range(30)),
    )
    async with sql_uow_factory() as uow:
        first = await uow.products.list(ProductQuery(page=PageRequest(limit=10)))
    assert first.next_cursor is not None
    cursor = Cursor.decode(first.next_cursor)

    async with count_statements(sql_uow_factory) as counter, sql_uow_factory() as uow:
        deeper = await uow.products.list(
            ProductQuery(search="p", page=PageRequest(limit=10, cursor=cursor))
        )

    assert [p.name for p in deeper.items] == [f"P{n}" for n in range(10, 20)]
    assert counter.count == 2


async def test_on_postgres_search_and_deep_pages_are_served_by_indexes(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    """The plans of the statements the repository really sends: the trigram indexes can find
    a search's matches (their expressions are the statement's), and a cursor page sorted by
    name is a range scan of its key's index. The table is small, so the plain scans are
    switched off to see what the indexes can serve (a search with only sequential and index
    scans left would show neither index); tests/bench/catalog_scale.py times the same
    statements over a million rows, where the planner picks between them by cost."""
    await _add(
        postgres_uow_factory,
        *(make_product(f"Item {n}", description="a teapot" if n % 50 else "") for n in range(100)),
    )
    engine = postgres_uow_factory.engine
    assert engine is not None
    sent: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    async with postgres_uow_factory() as uow:
        first = await uow.products.list(ProductQuery(sort=Sort("name"), page=PageRequest(limit=5)))
    assert first.next_cursor is not None
    cursor = Cursor.decode(first.next_cursor)
    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with postgres_uow_factory() as uow:
            await uow.products.list(ProductQuery(search="TEAPOT", include_inactive=True))
            await uow.products.list(
                ProductQuery(sort=Sort("name"), page=PageRequest(limit=5, cursor=cursor))
            )
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
    (search_page, search_count, name_page, _name_count) = sent

    async def plan(statement: str, parameters: Any, *switched_off: str) -> str:
        async with engine.connect() as conn:
            for scan in ("seqscan", *switched_off):
                await conn.exec_driver_sql(f"SET enable_{scan} = off")
            result = await conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            return "\n".join(row[0] for row in result)

    for statement, parameters in (search_page, search_count):
        searched = await plan(statement, parameters, "indexscan", "indexonlyscan")
        assert "ix_products_name_trgm" in searched, searched
        assert "ix_products_description_trgm" in searched, searched
    named = await plan(*name_page)
    assert "ix_products_name_key" in named and "Index Cond" in named, named
