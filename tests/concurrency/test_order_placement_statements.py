"""How many statements one order placement sends, pinned so a regression fails.

The count is the write path's cost on the database: each statement is a round trip. Placing
an order reserves each line's stock with one conditional update that also returns the product
(its name and price for the line), and inserts the order and its lines, nothing more: the
customer's tier comes from the account the request's authentication read.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import event

from application.ordering.commands import PlaceOrderCommand
from domain.ordering import RequestedItem
from tests.concurrency.shop import Shop
from tests.support.statements import watch_statements

ONE_LINE = 3  # one stock update (returning the product), order, lines
THREE_LINES = 5  # the same with three stock updates (the lines still in one INSERT)


async def _statements_of_placement(
    shop: Shop, lines: int, key: str | None = None, signed_in: bool = True
) -> list[str]:
    """The data statements of one placement of `lines` one-unit lines (none a savepoint), by
    a customer as authentication makes them (or, not `signed_in`, without their account)."""
    actor = await shop.customer()
    if not signed_in:
        actor = replace(actor, profile=None)
    product_ids = [await shop.product(stock=5) for _ in range(lines)]
    await shop.place(actor, product_ids[0])  # connects and warms the pool: not counted
    seen: list[str] = []
    savepoints: list[str] = []

    def on_execute(_conn: object, _cursor: object, sql: str, *_: object) -> None:
        # The counter leaves transaction control out; a savepoint is still two round trips.
        if sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE")):
            savepoints.append(sql)

    engine = shop.container.core.engine().sync_engine
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        async with watch_statements(engine, lambda sql: seen.append(" ".join(sql.split()))):
            items = tuple(RequestedItem(product_id, 1) for product_id in product_ids)
            await shop.container.ordering.place_order()(actor, PlaceOrderCommand(items, key))
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    assert savepoints == []
    return seen


async def test_a_one_line_order_takes_five_statements(shop: Shop) -> None:
    seen = await _statements_of_placement(shop, lines=1)
    assert len(seen) == ONE_LINE, seen


async def test_each_more_line_adds_one_stock_update(shop: Shop) -> None:
    seen = await _statements_of_placement(shop, lines=3)

    assert len(seen) == THREE_LINES, seen
    assert sum(sql.startswith("UPDATE products") for sql in seen) == 3


async def test_an_idempotency_key_adds_one_lookup_and_no_savepoint(shop: Shop) -> None:
    seen = await _statements_of_placement(shop, lines=1, key="checkout-1")

    assert len(seen) == ONE_LINE + 1, seen
    assert seen[0].startswith("SELECT orders."), seen


async def test_without_the_account_authentication_read_the_customer_is_read_once(
    shop: Shop,
) -> None:
    seen = await _statements_of_placement(shop, lines=1, signed_in=False)

    assert len(seen) == ONE_LINE + 1, seen
    assert seen[0].startswith("SELECT users."), seen


async def test_no_statement_reads_a_product_before_reserving_it(shop: Shop) -> None:
    seen = await _statements_of_placement(shop, lines=3)

    assert not any(sql.startswith("SELECT products") for sql in seen), seen
    assert all("RETURNING" in sql for sql in seen if sql.startswith("UPDATE products")), seen
