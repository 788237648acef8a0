"""Contract: every OrderRepository stores orders with their lines and lists them the same way."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import pytest

from application.ordering.ports import IdempotencyKeyTaken, OrderQuery
from application.shared.paging import Cursor, PageRequest, Sort
from domain.ordering import Order, OrderStatus
from tests.support.builders import T0, is_utc, make_order, make_product
from tests.support.databases import UnitOfWorkFactory
from tests.support.locks import wait_for_lock_waiters
from tests.support.statements import count_statements

ANA, BOB = UUID(int=1), UUID(int=2)


async def _add(uow_factory: UnitOfWorkFactory, *orders: Order) -> None:
    async with uow_factory() as uow:
        for order in orders:
            await uow.orders.add(order)
        await uow.commit()


async def _ids(uow_factory: UnitOfWorkFactory, query: OrderQuery) -> list[UUID]:
    async with uow_factory() as uow:
        page = await uow.orders.list(query)
    return [o.id for o in page.items]


def _three_line_order(
    user_id: UUID = ANA, *, created_at: datetime = T0, idempotency_key: str | None = None
) -> Order:
    products = [
        (make_product("Blue Mug", price_cents=900), 2),
        (make_product("Plate", price_cents=1250), 1),
        (make_product("Bowl", price_cents=333), 3),
    ]
    return make_order(user_id, products, created_at=created_at, idempotency_key=idempotency_key)


# --- storing ---------------------------------------------------------------------------------


async def test_added_order_is_found_with_its_lines_in_order(
    uow_factory: UnitOfWorkFactory,
) -> None:
    order = _three_line_order(idempotency_key="key-1")
    order.payment_intent_id = "pi_123"
    await _add(uow_factory, order)

    async with uow_factory() as uow:
        found = await uow.orders.get(order.id)
        locked = await uow.orders.get(order.id, for_update=True)

    assert found == order
    assert locked == order
    assert found is not None
    assert [line.name for line in found.lines] == ["Blue Mug", "Plate", "Bowl"]
    assert (found.subtotal_cents, found.discount_cents, found.total_cents) == (4049, 405, 3644)
    assert found.status is OrderStatus.PENDING
    assert is_utc(found.created_at) and is_utc(found.expires_at)


async def test_unknown_order_is_none(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.orders.get(uuid4()) is None
        assert await uow.orders.get(uuid4(), for_update=True) is None
        assert await uow.orders.get_by_idempotency_key(ANA, "nope") is None


async def test_order_is_found_by_its_users_idempotency_key(
    uow_factory: UnitOfWorkFactory,
) -> None:
    order = make_order(ANA, idempotency_key="key-1")
    await _add(uow_factory, order, make_order(ANA), make_order(BOB, idempotency_key="key-2"))

    async with uow_factory() as uow:
        found = await uow.orders.get_by_idempotency_key(ANA, "key-1")
        other_users_key = await uow.orders.get_by_idempotency_key(ANA, "key-2")

    assert found == order
    assert other_users_key is None


async def test_a_users_repeated_idempotency_key_is_refused_and_the_work_goes_on(
    uow_factory: UnitOfWorkFactory,
) -> None:
    first = make_order(ANA, idempotency_key="key-1")
    await _add(uow_factory, first)
    duplicate = make_order(ANA, idempotency_key="key-1")
    after = make_order(ANA, idempotency_key="key-2")

    async with uow_factory() as uow:
        with pytest.raises(IdempotencyKeyTaken):
            await uow.orders.add(duplicate)
        existing = await uow.orders.get_by_idempotency_key(ANA, "key-1")
        await uow.orders.add(after)
        await uow.commit()

    assert existing == first
    async with uow_factory() as uow:
        assert await uow.orders.get(duplicate.id) is None
        assert await uow.orders.get(after.id) == after


async def test_two_users_may_use_the_same_key_and_orders_without_keys_never_collide(
    uow_factory: UnitOfWorkFactory,
) -> None:
    orders = [
        make_order(ANA, idempotency_key="same"),
        make_order(BOB, idempotency_key="same"),
        make_order(ANA),
        make_order(ANA),
    ]

    await _add(uow_factory, *orders)

    async with uow_factory() as uow:
        page = await uow.orders.list(OrderQuery())
    assert page.total == 4


async def test_update_persists_status_and_payment_intent_only(
    uow_factory: UnitOfWorkFactory,
) -> None:
    order = _three_line_order()
    await _add(uow_factory, order)
    paid_at = T0 + timedelta(minutes=5)

    async with uow_factory() as uow:
        stored = await uow.orders.get(order.id, for_update=True)
        assert stored is not None
        stored.payment_intent_id = "pi_1"
        stored.mark_paid(paid_at)
        stored.total_cents = 1  # not a mutable field: must not be written
        await uow.orders.update(stored)
        await uow.commit()

    async with uow_factory() as uow:
        updated = await uow.orders.get(order.id)
    assert updated is not None
    assert (updated.status, updated.updated_at, updated.payment_intent_id) == (
        OrderStatus.PAID,
        paid_at,
        "pi_1",
    )
    assert updated.total_cents == order.total_cents
    assert updated.lines == order.lines


# --- listing ---------------------------------------------------------------------------------


async def _history(uow_factory: UnitOfWorkFactory) -> list[Order]:
    orders = [
        make_order(ANA, [(make_product(price_cents=1000), 1)], created_at=T0),
        make_order(
            BOB,
            [(make_product(price_cents=3000), 1)],
            created_at=T0 + timedelta(minutes=1),
            status=OrderStatus.PAID,
        ),
        make_order(
            ANA,
            [(make_product(price_cents=2000), 1), (make_product("Plate"), 2)],
            created_at=T0 + timedelta(minutes=2),
            status=OrderStatus.PAID,
        ),
        make_order(
            ANA,
            [(make_product(price_cents=1500), 1)],
            created_at=T0 + timedelta(minutes=3),
            status=OrderStatus.CANCELLED,
        ),
    ]
    await _add(uow_factory, *orders)
    return orders


async def test_list_shows_newest_first_with_lines_by_default(
    uow_factory: UnitOfWorkFactory,
) -> None:
    orders = await _history(uow_factory)

    async with uow_factory() as uow:
        page = await uow.orders.list(OrderQuery())

    assert page.items == list(reversed(orders))
    assert page.total == 4


async def test_list_filters_by_user_and_status(uow_factory: UnitOfWorkFactory) -> None:
    a0, b1, a2, a3 = await _history(uow_factory)

    anas = await _ids(uow_factory, OrderQuery(user_id=ANA))
    paid = await _ids(uow_factory, OrderQuery(status=OrderStatus.PAID))
    anas_paid = await _ids(uow_factory, OrderQuery(user_id=ANA, status=OrderStatus.PAID))

    assert anas == [a3.id, a2.id, a0.id]
    assert paid == [a2.id, b1.id]
    assert anas_paid == [a2.id]


async def test_list_sorts_by_total_and_creation(uow_factory: UnitOfWorkFactory) -> None:
    a0, b1, a2, a3 = await _history(uow_factory)

    cheapest_first = await _ids(uow_factory, OrderQuery(sort=Sort("totalCents")))
    oldest_first = await _ids(uow_factory, OrderQuery(sort=Sort("createdAt")))

    # Totals after the 10% regular-tier discount: 900, 2700, 3420, 1350.
    assert cheapest_first == [a0.id, a3.id, b1.id, a2.id]
    assert oldest_first == [a0.id, b1.id, a2.id, a3.id]


async def test_list_breaks_ties_by_id(uow_factory: UnitOfWorkFactory) -> None:
    twins = [make_order(ANA) for _ in range(4)]
    await _add(uow_factory, *twins)
    by_id = sorted(twins, key=lambda o: str(o.id))

    ascending = await _ids(uow_factory, OrderQuery(sort=Sort("createdAt")))
    descending = await _ids(uow_factory, OrderQuery(sort=Sort("totalCents", True)))

    assert ascending == [o.id for o in by_id]
    assert descending == [o.id for o in reversed(by_id)]


async def test_list_pages_with_totals_and_lines(uow_factory: UnitOfWorkFactory) -> None:
    orders = [
        make_order(ANA, created_at=T0 + timedelta(seconds=n)) for n in range(5)
    ]  # newest is the last
    await _add(uow_factory, *orders)

    async with uow_factory() as uow:
        second = await uow.orders.list(OrderQuery(page=PageRequest(page=2, limit=2)))
        beyond = await uow.orders.list(OrderQuery(page=PageRequest(page=9, limit=2)))

    assert second.items == [orders[2], orders[1]]
    assert (second.total, second.total_pages) == (5, 3)
    assert beyond.items == [] and beyond.total == 5


async def test_list_runs_the_same_number_of_statements_whatever_the_page_size(
    sql_uow_factory: UnitOfWorkFactory,
) -> None:
    await _add(
        sql_uow_factory,
        *(_three_line_order(created_at=T0 + timedelta(seconds=n)) for n in range(60)),
    )

    async def statements(limit: int) -> int:
        async with sql_uow_factory() as uow, count_statements(sql_uow_factory) as counter:
            page = await uow.orders.list(OrderQuery(page=PageRequest(limit=limit)))
        assert len(page.items) == limit
        assert all(len(order.lines) == 3 for order in page.items)
        return counter.count

    small, large = await statements(5), await statements(50)

    assert small == large == 3


# --- keyset paging and bounded counts ----------------------------------------------------------


async def _walk(
    uow_factory: UnitOfWorkFactory, sort: Sort, limit: int, user_id: UUID | None = None
) -> list[list[UUID]]:
    """Every page by cursor, from the first page to the one without a next cursor."""
    pages: list[list[UUID]] = []
    request = PageRequest(limit=limit)
    async with uow_factory() as uow:
        while True:
            found = await uow.orders.list(OrderQuery(user_id=user_id, sort=sort, page=request))
            pages.append([o.id for o in found.items])
            if found.next_cursor is None:
                return pages
            assert len(pages) < 20, "the cursor walk does not end"
            request = PageRequest(limit=limit, cursor=Cursor.decode(found.next_cursor))


def _tied_orders(count: int) -> list[Order]:
    # Shared totals (900, 1800, 2700 after the discount), shared timestamps, two customers.
    return [
        make_order(
            ANA if n % 3 else BOB,
            [(make_product(price_cents=1000 * (n % 3 + 1)), 1)],
            created_at=T0 + timedelta(seconds=n // 2),
        )
        for n in range(count)
    ]


@pytest.mark.parametrize(
    "sort",
    [
        Sort(field, descending)
        for field in ("createdAt", "totalCents")
        for descending in (False, True)
    ],
    ids=lambda sort: ("-" if sort.descending else "") + sort.field,
)
@pytest.mark.parametrize("user_id", [None, ANA], ids=["everyone", "one-customer"])
async def test_a_cursor_walk_sees_what_page_numbers_see(
    uow_factory: UnitOfWorkFactory, sort: Sort, user_id: UUID | None
) -> None:
    await _add(uow_factory, *_tied_orders(14))

    async with uow_factory() as uow:
        by_number = [
            [
                o.id
                for o in (
                    await uow.orders.list(
                        OrderQuery(user_id=user_id, sort=sort, page=PageRequest(page=n, limit=3))
                    )
                ).items
            ]
            for n in range(1, 6)
        ]
    by_number = [ids for ids in by_number if ids]

    assert await _walk(uow_factory, sort, 3, user_id) == by_number


async def _first_cursor(uow_factory: UnitOfWorkFactory) -> Cursor:
    """The next cursor of the first page of everyone's orders, two a page."""
    async with uow_factory() as uow:
        first = await uow.orders.list(OrderQuery(page=PageRequest(limit=2)))
    assert first.next_cursor is not None
    return Cursor.decode(first.next_cursor)


async def test_a_cursor_walk_keeps_to_the_customers_own_orders(
    uow_factory: UnitOfWorkFactory,
) -> None:
    orders = _tied_orders(12)
    await _add(uow_factory, *orders)
    newest_first = sorted(orders, key=lambda o: (o.created_at, str(o.id)), reverse=True)
    anas = [o.id for o in newest_first if o.user_id == ANA]
    everyones_first = await _first_cursor(uow_factory)

    async with uow_factory() as uow:
        # A cursor made on the list of everyone's orders: it says where to start, the
        # filter still says whose orders.
        after = await uow.orders.list(
            OrderQuery(user_id=ANA, page=PageRequest(limit=50, cursor=everyones_first))
        )
    walked = await _walk(uow_factory, Sort("createdAt", True), 2, ANA)

    assert [o.id for o in after.items] == [o.id for o in newest_first[2:] if o.user_id == ANA]
    assert [order_id for ids in walked for order_id in ids] == anas


async def test_a_cursor_page_names_no_page_number_and_the_last_page_no_next_cursor(
    uow_factory: UnitOfWorkFactory,
) -> None:
    orders = [make_order(ANA, created_at=T0 + timedelta(seconds=n)) for n in range(4)]
    await _add(uow_factory, *orders)

    async with uow_factory() as uow:
        first = await uow.orders.list(OrderQuery(page=PageRequest(limit=2)))
        assert first.next_cursor is not None
        cursor = Cursor.decode(first.next_cursor)
        last = await uow.orders.list(OrderQuery(page=PageRequest(limit=2, cursor=cursor)))

    assert (first.page, first.items, first.total) == (1, [orders[3], orders[2]], 4)
    assert (last.page, last.items, last.total) == (None, [orders[1], orders[0]], 4)
    assert last.next_cursor is None and last.total_exact


async def test_a_cursor_needs_no_row_of_its_own(uow_factory: UnitOfWorkFactory) -> None:
    # Orders are never deleted, but a cursor only names a place in the order: one whose
    # order is gone (or never was) starts right after where it would sort.
    orders = [make_order(ANA, created_at=T0 + timedelta(seconds=n)) for n in range(4)]
    await _add(uow_factory, *orders)
    between = Cursor("createdAt", True, T0 + timedelta(seconds=2.5), uuid4())

    async with uow_factory() as uow:
        after = await uow.orders.list(OrderQuery(page=PageRequest(limit=10, cursor=between)))

    assert after.items == [orders[2], orders[1], orders[0]]


async def test_totals_beyond_the_count_limit_are_a_flagged_lower_bound(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _add(uow_factory, *(make_order(ANA) for _ in range(5)), make_order(BOB))

    async with uow_factory() as uow:
        bounded = await uow.orders.list(
            OrderQuery(user_id=ANA, page=PageRequest(limit=2, count_limit=3))
        )
        exact = await uow.orders.list(
            OrderQuery(user_id=ANA, page=PageRequest(limit=2, count_limit=5))
        )

    assert (bounded.total, bounded.total_exact, len(bounded.items)) == (3, False, 2)
    assert (exact.total, exact.total_exact) == (5, True)


async def test_a_cursor_page_runs_the_same_statements_as_a_first_page(
    sql_uow_factory: UnitOfWorkFactory,
) -> None:
    orders = [_three_line_order(created_at=T0 + timedelta(seconds=n)) for n in range(30)]
    await _add(sql_uow_factory, *orders)
    async with sql_uow_factory() as uow:
        first = await uow.orders.list(OrderQuery(user_id=ANA, page=PageRequest(limit=10)))
    assert first.next_cursor is not None
    cursor = Cursor.decode(first.next_cursor)

    async with count_statements(sql_uow_factory) as counter, sql_uow_factory() as uow:
        deeper = await uow.orders.list(
            OrderQuery(
                user_id=ANA,
                status=OrderStatus.PENDING,
                page=PageRequest(limit=10, cursor=cursor),
            )
        )

    assert deeper.items == orders[19:9:-1]
    assert all(len(order.lines) == 3 for order in deeper.items)
    assert counter.count == 3


# --- expiry ----------------------------------------------------------------------------------


async def test_list_expired_finds_pending_orders_past_their_deadline_oldest_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ttl = timedelta(minutes=30)
    late = make_order(ANA, created_at=T0 + timedelta(minutes=1), ttl=ttl)
    later = make_order(BOB, created_at=T0 + timedelta(minutes=2), ttl=ttl)
    due_now = make_order(ANA, created_at=T0 + timedelta(minutes=5), ttl=ttl)
    not_yet = make_order(ANA, created_at=T0 + timedelta(minutes=6), ttl=ttl)
    paid = make_order(ANA, created_at=T0, ttl=ttl, status=OrderStatus.PAID)
    cancelled = make_order(ANA, created_at=T0, ttl=ttl, status=OrderStatus.CANCELLED)
    await _add(uow_factory, due_now, not_yet, later, paid, cancelled, late)
    now = T0 + timedelta(minutes=35)

    async with uow_factory() as uow:
        expired = await uow.orders.list_expired(now, limit=10)
        first_two = await uow.orders.list_expired(now, limit=2)

    assert list(expired) == [late, later, due_now]
    assert [o.id for o in first_two] == [late.id, later.id]


async def test_concurrent_adds_with_one_key_create_one_order(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async def place() -> bool:
        async with uow_factory() as uow:
            try:
                await uow.orders.add(make_order(ANA, idempotency_key="double-click"))
            except IdempotencyKeyTaken:
                return False
            await uow.commit()
            return True

    results = await asyncio.gather(*(place() for _ in range(5)))

    assert results.count(True) == 1
    async with uow_factory() as uow:
        assert (await uow.orders.list(OrderQuery(user_id=ANA))).total == 1


# --- Postgres row locks (SQLite and the fake run one writer at a time instead) ----------------


async def test_an_order_read_for_update_makes_a_second_reader_wait_for_the_change(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    order = make_order(ANA)
    await _add(postgres_uow_factory, order)

    async def read_for_update() -> Order | None:
        async with postgres_uow_factory() as uow:
            return await uow.orders.get(order.id, for_update=True)

    async with postgres_uow_factory() as first:
        locked = await first.orders.get(order.id, for_update=True)
        assert locked is not None
        second = asyncio.create_task(read_for_update())
        await wait_for_lock_waiters(postgres_uow_factory)
        locked.cancel(T0 + timedelta(minutes=1))
        await first.orders.update(locked)
        await first.commit()
    seen_by_second = await second

    assert seen_by_second is not None and seen_by_second.status is OrderStatus.CANCELLED


async def test_expiry_runs_skip_orders_another_transaction_holds(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    held = make_order(ANA, created_at=T0)
    free = make_order(BOB, created_at=T0 + timedelta(minutes=1))
    await _add(postgres_uow_factory, held, free)
    now = T0 + timedelta(hours=1)

    async def other_expiry_run() -> list[UUID]:
        async with postgres_uow_factory() as uow:
            return [o.id for o in await uow.orders.list_expired(now, limit=10)]

    async with postgres_uow_factory() as first:
        assert await first.orders.get(held.id, for_update=True) is not None
        # Bounded so that a missing SKIP LOCKED fails instead of hanging on the held row.
        seen_by_other = await asyncio.wait_for(other_expiry_run(), timeout=10)

    assert seen_by_other == [free.id]
