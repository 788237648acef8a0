"""How many statements one order placement sends, pinned so a regression fails.

The count is the write path's cost on the database: each statement is a round trip. Placing
an order reads the customer and every line's product in one statement each, reserves each
line's stock with one conditional update, and inserts the order and its lines, nothing more.
"""

from __future__ import annotations

from sqlalchemy import event

from application.ordering.commands import PlaceOrderCommand
from domain.ordering import RequestedItem
from tests.concurrency.shop import Shop
from tests.support.statements import watch_statements

ONE_LINE = 5  # customer, products, one stock update, order, lines
THREE_LINES = 7  # the same with three stock updates (the lines still in one INSERT)


async def _statements_of_placement(shop: Shop, lines: int, key: str | None = None) -> list[str]:
    """The data statements of one placement of `lines` one-unit lines (none a savepoint)."""
    actor = await shop.customer()
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
