"""Contract: PaymentRepository and ProcessedEvents adapters behave alike, including races."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from uuid import UUID, uuid4

from domain.ordering import Order
from domain.payments import PaymentStatus
from tests.support.builders import T0, is_utc, make_order, make_payment
from tests.support.databases import UnitOfWorkFactory
from tests.support.locks import wait_for_lock_waiters

CONCURRENT_DELIVERIES = 5


async def _order(uow_factory: UnitOfWorkFactory) -> Order:
    order = make_order(UUID(int=1))
    async with uow_factory() as uow:
        await uow.orders.add(order)
        await uow.commit()
    return order


# --- payments --------------------------------------------------------------------------------


async def test_added_payment_is_found_by_order_and_by_intent(
    uow_factory: UnitOfWorkFactory,
) -> None:
    order = await _order(uow_factory)
    payment = make_payment(order, "pi_123")
    async with uow_factory() as uow:
        await uow.payments.add(payment)
        await uow.commit()

    async with uow_factory() as uow:
        by_order = await uow.payments.get_for_order(order.id)
        by_intent = await uow.payments.get_by_intent("pi_123")

    assert by_order == payment
    assert by_intent == payment
    assert by_order is not None and by_order.status is PaymentStatus.REQUIRES_PAYMENT
    assert is_utc(by_order.created_at) and is_utc(by_order.updated_at)


async def test_unknown_payment_is_none(uow_factory: UnitOfWorkFactory) -> None:
    order = await _order(uow_factory)

    async with uow_factory() as uow:
        assert await uow.payments.get_for_order(order.id) is None
        assert await uow.payments.get_for_order(uuid4()) is None
        assert await uow.payments.get_by_intent("pi_unknown") is None


async def test_update_persists_only_status_and_update_time(uow_factory: UnitOfWorkFactory) -> None:
    order = await _order(uow_factory)
    payment = make_payment(order, "pi_123")
    async with uow_factory() as uow:
        await uow.payments.add(payment)
        await uow.commit()
    settled = replace(payment, status=PaymentStatus.SUCCEEDED, updated_at=T0 + timedelta(minutes=2))

    async with uow_factory() as uow:
        # Only status and updated_at are mutable: the rest of a stale copy is not written.
        await uow.payments.update(replace(settled, amount_cents=1, client_secret="changed"))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.payments.get_by_intent("pi_123") == settled


async def test_payments_of_different_orders_are_kept_apart(
    uow_factory: UnitOfWorkFactory,
) -> None:
    first, second = await _order(uow_factory), await _order(uow_factory)
    first_payment, second_payment = make_payment(first, "pi_1"), make_payment(second, "pi_2")
    async with uow_factory() as uow:
        await uow.payments.add(first_payment)
        await uow.payments.add(second_payment)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.payments.get_for_order(second.id) == second_payment
        assert await uow.payments.get_by_intent("pi_1") == first_payment


# --- processed events ------------------------------------------------------------------------


async def test_an_event_is_recorded_once(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        first = await uow.processed_events.record("evt_1", "payment_intent.succeeded", "paid", T0)
        await uow.commit()
    async with uow_factory() as uow:
        again = await uow.processed_events.record("evt_1", "payment_intent.succeeded", "x", T0)
        other = await uow.processed_events.record("evt_2", "charge.refunded", "refunded", T0)
        await uow.commit()

    assert (first, again, other) == (True, False, True)


async def test_an_event_recorded_in_a_rolled_back_transaction_can_be_recorded_again(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        await uow.processed_events.record("evt_1", "payment_intent.succeeded", "paid", T0)
        await uow.rollback()

    async with uow_factory() as uow:
        retried = await uow.processed_events.record("evt_1", "payment_intent.succeeded", "p", T0)
        await uow.commit()

    assert retried is True


async def test_of_concurrent_deliveries_of_one_event_exactly_one_is_recorded(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async def deliver() -> bool:
        async with uow_factory() as uow:
            fresh = await uow.processed_events.record(
                "evt_1", "payment_intent.succeeded", "paid", T0
            )
            await uow.commit()
            return fresh

    results = await asyncio.gather(*(deliver() for _ in range(CONCURRENT_DELIVERIES)))

    assert results.count(True) == 1


async def test_a_second_delivery_waits_for_the_first_and_then_is_refused_on_postgres(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    async def second_delivery() -> bool:
        async with postgres_uow_factory() as uow:
            fresh = await uow.processed_events.record("evt_1", "payment_intent.succeeded", "", T0)
            await uow.commit()
            return fresh

    async with postgres_uow_factory() as first:
        recorded = await first.processed_events.record(
            "evt_1", "payment_intent.succeeded", "paid", T0
        )
        second = asyncio.create_task(second_delivery())
        await wait_for_lock_waiters(postgres_uow_factory)
        await first.commit()

    assert (recorded, await second) == (True, False)
