"""Under real concurrency, the store never oversells and never applies a payment twice.

Every call goes through the production container (its engine, pool and SQL unit of work) on a
migrated database; the calls of one scenario are started together with asyncio.gather, so
their transactions really overlap on the database. Measured timings are logged (run with
`-o log_cli=true --log-cli-level=INFO` to see them); nothing asserts on time.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable
from time import perf_counter
from typing import TypeVar

from adapters.sqlalchemy.ordering.tables import order_lines, orders, processed_events
from application.ordering.views import EventOutcome, OrderView
from domain.catalog import InsufficientStock
from domain.ordering import IdempotencyKeyReused, InvalidTransition
from tests.concurrency.shop import Shop, http_status, run_together, succeeded_event

logger = logging.getLogger(__name__)

T = TypeVar("T")

STOCK = 10
# 100 customers race for 10 units on both backends, through the production pool sizes.
# Postgres: the pool (DB_POOL_SIZE 30 + 10 overflow, 10 s timeout) queues the other 60 calls;
# measured on 2 busy cores, the slowest call waited under 2 s. SQLite: writers run one at a
# time (BEGIN IMMEDIATE); up to 25 pooled connections wait on the file lock within the 5 s
# busy_timeout, the rest in the pool; the slowest call waited about 2 s, so 100 has room.
ORDER_RACERS = 100
DELIVERIES = 5
SAME_KEY_RETRIES = 10
CANCEL_PAY_ROUNDS = 10
START_SHIFT_STEP = 0.0002  # seconds


async def _after(delay: float, call: Awaitable[T]) -> T:
    """Run the call once `delay` seconds have passed."""
    await asyncio.sleep(delay)
    return await call


async def test_a_hundred_concurrent_orders_for_ten_units_place_exactly_ten(shop: Shop) -> None:
    customers = await shop.customers(ORDER_RACERS)
    product_id = await shop.product(stock=STOCK)

    started = perf_counter()
    results = await run_together([shop.place(customer, product_id) for customer in customers])
    elapsed = perf_counter() - started

    placed = [r for r in results if isinstance(r, OrderView)]
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    unexpected = [r for r in results if not isinstance(r, OrderView | InsufficientStock)]
    logger.info(
        "%s: %d concurrent orders for %d units: %d placed, %d refused in %.2f s",
        shop.backend,
        ORDER_RACERS,
        STOCK,
        len(placed),
        len(refused),
        elapsed,
    )
    assert unexpected == []
    assert len(placed) == STOCK
    assert len(refused) == ORDER_RACERS - STOCK
    assert {http_status(error) for error in refused} == {409}
    assert len({order.user_id for order in placed}) == STOCK  # ten different customers
    assert await shop.stock(product_id) == 0
    assert await shop.count(orders) == STOCK
    assert await shop.count(order_lines, order_lines.c.product_id == product_id) == STOCK


async def test_one_event_delivered_five_times_at_once_pays_the_order_once(shop: Shop) -> None:
    customer = await shop.customer()
    product_id = await shop.product(stock=STOCK)
    order = await shop.place(customer, product_id)
    event = succeeded_event(await shop.start_payment(customer, order.id))
    handlers = [shop.container.ordering.handle_payment_event() for _ in range(DELIVERIES)]

    started = perf_counter()
    outcomes = await run_together([handle(event) for handle in handlers])
    elapsed = perf_counter() - started

    logger.info("%s: %d deliveries of one event in %.3f s", shop.backend, DELIVERIES, elapsed)
    assert Counter(outcomes) == {EventOutcome.APPLIED: 1, EventOutcome.DUPLICATE: DELIVERIES - 1}
    assert await shop.order_status(order.id) == "paid"
    assert await shop.payment_status(order.id) == "succeeded"
    assert await shop.confirmations() == 1
    assert await shop.count(processed_events) == 1
    assert await shop.count(processed_events, processed_events.c.event_id == event.event_id) == 1
    assert await shop.stock(product_id) == STOCK - 1


async def test_five_different_success_events_for_one_intent_pay_the_order_once(
    shop: Shop,
) -> None:
    customer = await shop.customer()
    product_id = await shop.product(stock=STOCK)
    order = await shop.place(customer, product_id)
    intent = await shop.start_payment(customer, order.id)
    events = [succeeded_event(intent) for _ in range(DELIVERIES)]
    handlers = [shop.container.ordering.handle_payment_event() for _ in events]

    started = perf_counter()
    outcomes = await run_together([handle(e) for handle, e in zip(handlers, events, strict=True)])
    elapsed = perf_counter() - started

    logger.info("%s: %d distinct events in %.3f s", shop.backend, DELIVERIES, elapsed)
    # The order status guard, not the event id, stops the four late events.
    assert Counter(outcomes) == {EventOutcome.APPLIED: 1, EventOutcome.UNCHANGED: DELIVERIES - 1}
    assert await shop.order_status(order.id) == "paid"
    assert await shop.payment_status(order.id) == "succeeded"
    assert await shop.confirmations() == 1
    assert await shop.count(processed_events) == DELIVERIES


async def test_a_cancel_racing_a_payment_success_lets_exactly_one_win(shop: Shop) -> None:
    customer = await shop.customer()
    winners: Counter[str] = Counter()
    started = perf_counter()
    for round_number in range(CANCEL_PAY_ROUNDS):
        product_id = await shop.product(stock=3)
        order = await shop.place(customer, product_id)
        event = succeeded_event(await shop.start_payment(customer, order.id))
        cancel_order = shop.container.ordering.cancel_order()
        handle_payment_event = shop.container.ordering.handle_payment_event()
        # The rounds sweep the head start from "cancel 1 ms ahead" to "payment 0.8 ms ahead",
        # so the two calls reach the order's lock in either order (both branches get run).
        shift = (round_number - CANCEL_PAY_ROUNDS // 2) * START_SHIFT_STEP
        cancel = _after(max(shift, 0.0), cancel_order(customer, order.id))
        pay = _after(max(-shift, 0.0), handle_payment_event(event))
        cancelled, outcome = await run_together([cancel, pay])

        if isinstance(cancelled, OrderView):
            winners["cancel"] += 1
            assert outcome == EventOutcome.ORDER_NOT_PENDING
            assert await shop.order_status(order.id) == "cancelled"
            assert await shop.payment_status(order.id) == "succeeded"  # staff will refund it
            assert await shop.stock(product_id) == 3  # released
        else:
            winners["payment"] += 1
            assert isinstance(cancelled, InvalidTransition), cancelled
            assert http_status(cancelled) == 409
            assert outcome == EventOutcome.APPLIED
            assert await shop.order_status(order.id) == "paid"
            assert await shop.payment_status(order.id) == "succeeded"
            assert await shop.stock(product_id) == 2  # still reserved
    elapsed = perf_counter() - started

    logger.info(
        "%s: %d cancel/pay races in %.2f s: %s",
        shop.backend,
        CANCEL_PAY_ROUNDS,
        elapsed,
        dict(winners),
    )
    assert await shop.confirmations() == winners["payment"]
    assert await shop.count(orders) == CANCEL_PAY_ROUNDS


async def test_ten_concurrent_orders_with_one_idempotency_key_make_one_order(shop: Shop) -> None:
    customer = await shop.customer()
    product_id = await shop.product(stock=STOCK)

    started = perf_counter()
    results = await run_together(
        [shop.place(customer, product_id, key="checkout-42") for _ in range(SAME_KEY_RETRIES)]
    )
    elapsed = perf_counter() - started

    logger.info("%s: %d orders with one key in %.3f s", shop.backend, SAME_KEY_RETRIES, elapsed)
    unexpected = [r for r in results if not isinstance(r, OrderView)]
    assert unexpected == []
    assert len({r.id for r in results if isinstance(r, OrderView)}) == 1
    assert await shop.count(orders) == 1
    assert await shop.stock(product_id) == STOCK - 1


async def test_one_key_raced_with_different_items_makes_one_order_and_refuses_the_rest(
    shop: Shop,
) -> None:
    customer = await shop.customer()
    product_id = await shop.product(stock=STOCK)

    results = await run_together(
        [
            shop.place(customer, product_id, key="checkout-42", quantity=1 + i % 2)
            for i in range(SAME_KEY_RETRIES)
        ]
    )

    orders_seen = {r.id: r for r in results if isinstance(r, OrderView)}
    assert len(orders_seen) == 1
    (placed,) = orders_seen.values()
    refused = [r for r in results if not isinstance(r, OrderView)]
    # Every refusal is the key mismatch (422), and only the other quantity is refused.
    assert {http_status(r) for r in refused} == {422}
    assert len(refused) == SAME_KEY_RETRIES // 2
    assert all(isinstance(r, IdempotencyKeyReused) for r in refused)
    assert await shop.count(orders) == 1
    assert await shop.stock(product_id) == STOCK - placed.lines[0].quantity
