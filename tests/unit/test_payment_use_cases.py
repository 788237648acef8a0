"""Paying, shipping and refunding orders; provider events apply exactly once, in any order."""

import asyncio
from uuid import uuid4

import pytest
from ordering_kit import ShopKit

from application.ordering.views import EventOutcome, OrderView
from application.shared.actor import Actor
from domain.accounts import Role, Tier
from domain.catalog import Product
from domain.errors import PermissionDenied, ServiceUnavailable
from domain.ordering import InvalidTransition, OrderNotFound, OrderNotPayable, OrderStatus
from domain.payments import PaymentEvent, PaymentMissing, PaymentNotFound, PaymentStatus

ADMIN = Actor.system()
SUCCEEDED = "payment_intent.succeeded"
FAILED = "payment_intent.payment_failed"
REFUNDED = "charge.refunded"


@pytest.fixture
def shop() -> ShopKit:
    """A fresh shop on the in-memory adapters."""
    return ShopKit()


async def pending_order(shop: ShopKit, quantity: int = 2) -> tuple[Actor, Product, OrderView]:
    mug = await shop.add_product("Blue Mug", 900, 10)
    ana = await shop.add_customer()
    return ana, mug, await shop.place(ana, (mug, quantity))


async def started_order(shop: ShopKit) -> tuple[Actor, OrderView]:
    ana, _, order = await pending_order(shop)
    await shop.start_payment()(ana, order.id)
    return ana, order


# --- starting a payment ------------------------------------------------------------------------


async def test_the_owner_starts_a_payment_for_the_order_total(shop: ShopKit):
    ana, _, order = await pending_order(shop)

    intent = await shop.start_payment()(ana, order.id)

    assert (intent.provider, intent.amount_cents, intent.currency) == ("fake", 1800, "USD")
    assert intent.client_secret == f"{intent.payment_intent_id}_secret"
    payment = shop.payment(order.id)
    assert (payment.intent_id, payment.status) == (
        intent.payment_intent_id,
        PaymentStatus.REQUIRES_PAYMENT,
    )
    assert shop.order(order.id).payment_intent_id == intent.payment_intent_id


async def test_starting_again_returns_the_same_intent_without_asking_the_provider(shop: ShopKit):
    ana, _, order = await pending_order(shop)
    first = await shop.start_payment()(ana, order.id)

    again = await shop.start_payment()(ana, order.id)

    assert again == first and shop.gateway.create_calls == 1


async def test_concurrent_starts_store_one_payment(shop: ShopKit):
    ana, _, order = await pending_order(shop)

    intents = await asyncio.gather(*(shop.start_payment()(ana, order.id) for _ in range(5)))

    assert len({i.payment_intent_id for i in intents}) == 1
    assert len(shop.store.payments) == 1


async def test_only_the_owner_starts_a_payment(shop: ShopKit):
    _, _, order = await pending_order(shop)
    bob = await shop.add_customer("bob@example.com")

    for stranger in (bob, ADMIN):
        with pytest.raises(OrderNotFound):
            await shop.start_payment()(stranger, order.id)

    assert shop.gateway.create_calls == 0


async def test_only_a_pending_order_can_be_paid(shop: ShopKit):
    ana, _, order = await pending_order(shop)
    await shop.cancel_order()(ana, order.id)

    with pytest.raises(OrderNotPayable):
        await shop.start_payment()(ana, order.id)


async def test_an_unreachable_provider_is_a_service_outage_and_stores_nothing(shop: ShopKit):
    ana, _, order = await pending_order(shop)
    shop.gateway.down = True

    with pytest.raises(ServiceUnavailable):
        await shop.start_payment()(ana, order.id)

    assert shop.store.payments == {}


# --- payment events ----------------------------------------------------------------------------


async def test_a_succeeded_event_marks_the_order_paid_and_queues_a_confirmation(shop: ShopKit):
    _, order = await started_order(shop)

    outcome = await shop.handle_payment_event()(shop.event(order.id, SUCCEEDED))

    assert outcome is EventOutcome.APPLIED
    assert shop.order(order.id).status is OrderStatus.PAID
    assert shop.payment(order.id).status is PaymentStatus.SUCCEEDED
    [email] = shop.emails_of_kind("order_confirmation")
    assert email.message.to == "ana@example.com"
    assert str(order.id) in email.message.text_body and "$18.00" in email.message.text_body


async def test_the_same_event_delivered_five_times_at_once_applies_once(shop: ShopKit):
    _, order = await started_order(shop)
    event = shop.event(order.id, SUCCEEDED)

    outcomes = await asyncio.gather(*(shop.handle_payment_event()(event) for _ in range(5)))

    assert sorted(outcomes) == sorted([EventOutcome.APPLIED] + [EventOutcome.DUPLICATE] * 4)
    assert shop.order(order.id).status is OrderStatus.PAID
    assert len(shop.emails_of_kind("order_confirmation")) == 1
    assert shop.store.processed_events[event.event_id][1] == "applied"


@pytest.mark.parametrize(("amount", "currency"), [(1799, None), (None, "eur")])
async def test_a_mismatched_amount_or_currency_is_recorded_but_not_paid(
    shop: ShopKit, amount: int | None, currency: str | None
):
    _, order = await started_order(shop)
    event = shop.event(order.id, SUCCEEDED, amount_cents=amount, currency=currency)

    outcome = await shop.handle_payment_event()(event)

    assert outcome is EventOutcome.MISMATCH
    assert shop.order(order.id).status is OrderStatus.PENDING
    assert shop.store.processed_events[event.event_id][1] == "mismatch"
    assert shop.emails_of_kind("order_confirmation") == []


async def test_a_failed_payment_keeps_the_order_pending_and_a_later_success_applies(
    shop: ShopKit,
):
    _, order = await started_order(shop)

    failed = await shop.handle_payment_event()(shop.event(order.id, FAILED))
    pending = shop.order(order.id).status
    payment_status = shop.payment(order.id).status
    succeeded = await shop.handle_payment_event()(shop.event(order.id, SUCCEEDED))

    assert (failed, pending, payment_status) == (
        EventOutcome.APPLIED,
        OrderStatus.PENDING,
        PaymentStatus.FAILED,
    )
    assert succeeded is EventOutcome.APPLIED
    assert shop.order(order.id).status is OrderStatus.PAID


async def test_a_late_failure_never_undoes_a_success(shop: ShopKit):
    _, order = await started_order(shop)
    await shop.handle_payment_event()(shop.event(order.id, SUCCEEDED))

    outcome = await shop.handle_payment_event()(shop.event(order.id, FAILED))

    assert outcome is EventOutcome.UNCHANGED
    assert shop.payment(order.id).status is PaymentStatus.SUCCEEDED


async def test_a_second_success_event_for_a_paid_order_changes_nothing(shop: ShopKit):
    _, order = await started_order(shop)
    await shop.handle_payment_event()(shop.event(order.id, SUCCEEDED))

    outcome = await shop.handle_payment_event()(shop.event(order.id, SUCCEEDED))

    assert outcome is EventOutcome.UNCHANGED
    assert len(shop.emails_of_kind("order_confirmation")) == 1


async def test_a_payment_for_a_cancelled_order_does_not_revive_it(shop: ShopKit):
    ana, order = await started_order(shop)
    await shop.cancel_order()(ana, order.id)

    outcome = await shop.handle_payment_event()(shop.event(order.id, SUCCEEDED))

    assert outcome is EventOutcome.ORDER_NOT_PENDING
    assert shop.order(order.id).status is OrderStatus.CANCELLED
    assert shop.payment(order.id).status is PaymentStatus.SUCCEEDED  # for staff to refund
    assert shop.emails_of_kind("order_confirmation") == []


async def test_unknown_event_types_and_intents_are_recorded_and_ignored(shop: ShopKit):
    _, order = await started_order(shop)
    handle = shop.handle_payment_event

    unknown_type = await handle()(PaymentEvent("evt_a", "customer.created", None))
    unknown_intent = await handle()(PaymentEvent("evt_b", SUCCEEDED, "pi_nope", 1800, "usd"))

    assert (unknown_type, unknown_intent) == (EventOutcome.IGNORED, EventOutcome.IGNORED)
    assert set(shop.store.processed_events) == {"evt_a", "evt_b"}
    assert shop.order(order.id).status is OrderStatus.PENDING


async def test_a_redelivered_event_id_changes_nothing_even_if_its_content_differs(shop: ShopKit):
    _, order = await started_order(shop)
    await shop.handle_payment_event()(shop.event(order.id, FAILED, event_id="evt_1"))

    outcome = await shop.handle_payment_event()(shop.event(order.id, SUCCEEDED, event_id="evt_1"))

    assert outcome is EventOutcome.DUPLICATE
    assert shop.order(order.id).status is OrderStatus.PENDING


# --- sandbox -----------------------------------------------------------------------------------


async def test_the_sandbox_drives_the_webhook_code_path(shop: ShopKit):
    ana, _, order = await pending_order(shop)
    intent = await shop.start_payment()(ana, order.id)

    failed = await shop.simulate_payment()(intent.payment_intent_id, succeed=False)
    paid = await shop.simulate_payment()(intent.payment_intent_id, succeed=True)

    assert (failed, paid) == (EventOutcome.APPLIED, EventOutcome.APPLIED)
    assert shop.order(order.id).status is OrderStatus.PAID
    assert len(shop.emails_of_kind("order_confirmation")) == 1
    assert all(event_id.startswith("evt_sandbox_") for event_id in shop.store.processed_events)


async def test_the_sandbox_refuses_an_unknown_intent(shop: ShopKit):
    with pytest.raises(PaymentNotFound, match="Payment not found"):
        await shop.simulate_payment()("pi_nope", succeed=True)


# --- shipping ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EDITOR])
async def test_staff_ship_a_paid_order_and_the_customer_is_emailed(shop: ShopKit, role: Role):
    ana, mug, _ = await pending_order(shop)
    order = await shop.paid_order(ana, mug)
    staff = await shop.add_staff(role)

    shipped = await shop.ship_order()(staff, order.id)

    assert shipped.status is OrderStatus.SHIPPED
    [email] = shop.emails_of_kind("order_shipped")
    assert email.message.to == "ana@example.com" and str(order.id) in email.message.subject


async def test_only_paid_orders_ship_and_only_staff_ship_them(shop: ShopKit):
    ana, _, order = await pending_order(shop)

    with pytest.raises(InvalidTransition):
        await shop.ship_order()(ADMIN, order.id)
    with pytest.raises(PermissionDenied):
        await shop.ship_order()(ana, order.id)
    with pytest.raises(OrderNotFound):
        await shop.ship_order()(ADMIN, uuid4())

    assert shop.emails_of_kind("order_shipped") == []


# --- refunds -----------------------------------------------------------------------------------


@pytest.mark.parametrize("ship_first", [False, True])
async def test_an_admin_refunds_a_paid_or_shipped_order_through_the_provider(
    shop: ShopKit, ship_first: bool
):
    ana, mug, _ = await pending_order(shop)
    order = await shop.paid_order(ana, mug)
    if ship_first:
        await shop.ship_order()(ADMIN, order.id)

    refunded = await shop.refund_order()(ADMIN, order.id)

    assert refunded.status is OrderStatus.REFUNDED
    assert shop.payment(order.id).status is PaymentStatus.REFUNDED
    assert shop.gateway.refunds == {
        f"order-{order.id}-refund": (shop.payment(order.id).intent_id, 1800)
    }
    [email] = shop.emails_of_kind("order_refunded")
    assert "$18.00" in email.message.text_body


async def test_a_refund_then_a_late_charge_refunded_event_sends_one_email(shop: ShopKit):
    ana, mug, _ = await pending_order(shop)
    order = await shop.paid_order(ana, mug)
    await shop.refund_order()(ADMIN, order.id)

    outcome = await shop.handle_payment_event()(shop.event(order.id, REFUNDED))

    assert outcome is EventOutcome.UNCHANGED
    assert len(shop.emails_of_kind("order_refunded")) == 1


async def test_a_charge_refunded_event_before_the_refund_call_refunds_once(shop: ShopKit):
    ana, mug, _ = await pending_order(shop)
    order = await shop.paid_order(ana, mug)

    outcome = await shop.handle_payment_event()(shop.event(order.id, REFUNDED))
    with pytest.raises(InvalidTransition):  # refunded at the provider's dashboard already
        await shop.refund_order()(ADMIN, order.id)

    assert outcome is EventOutcome.APPLIED
    assert shop.order(order.id).status is OrderStatus.REFUNDED
    assert shop.payment(order.id).status is PaymentStatus.REFUNDED
    assert shop.gateway.refunds == {}
    assert len(shop.emails_of_kind("order_refunded")) == 1


async def test_the_webhook_winning_the_race_during_the_provider_call_sends_one_email(
    shop: ShopKit,
):
    ana, mug, _ = await pending_order(shop)
    order = await shop.paid_order(ana, mug)
    provider_refund = shop.gateway.refund

    async def refund_and_notify(intent_id: str, amount_cents: int, idempotency_key: str) -> str:
        # Stripe sends charge.refunded while our refund call is still returning.
        refund_id = await provider_refund(intent_id, amount_cents, idempotency_key)
        await shop.handle_payment_event()(shop.event(order.id, REFUNDED))
        return refund_id

    shop.gateway.refund = refund_and_notify  # type: ignore[method-assign]

    refunded = await shop.refund_order()(ADMIN, order.id)

    assert refunded.status is OrderStatus.REFUNDED
    assert len(shop.emails_of_kind("order_refunded")) == 1


async def test_only_admins_refund_and_only_paid_or_shipped_orders(shop: ShopKit):
    _, _, order = await pending_order(shop)
    editor = await shop.add_staff(Role.EDITOR)

    with pytest.raises(PermissionDenied):
        await shop.refund_order()(editor, order.id)
    with pytest.raises(InvalidTransition):
        await shop.refund_order()(ADMIN, order.id)
    with pytest.raises(OrderNotFound):
        await shop.refund_order()(ADMIN, uuid4())

    assert shop.gateway.refunds == {}


async def test_a_paid_order_without_a_payment_cannot_be_refunded(shop: ShopKit):
    _, _, order = await pending_order(shop)
    shop.store.orders[order.id].status = OrderStatus.PAID

    with pytest.raises(PaymentMissing):
        await shop.refund_order()(ADMIN, order.id)


async def test_an_unreachable_provider_leaves_the_order_paid(shop: ShopKit):
    ana, mug, _ = await pending_order(shop)
    order = await shop.paid_order(ana, mug)
    shop.gateway.down = True

    with pytest.raises(ServiceUnavailable):
        await shop.refund_order()(ADMIN, order.id)

    assert shop.order(order.id).status is OrderStatus.PAID


async def test_order_emails_list_the_lines_discount_and_total_with_a_link(shop: ShopKit):
    mug = await shop.add_product("Blue Mug", 900, 10)
    premium = await shop.add_customer("pia@example.com", tier=Tier.PREMIUM)

    order = await shop.paid_order(premium, mug, 2)

    [email] = shop.emails_of_kind("order_confirmation")
    body = email.message.text_body
    assert "2 x Blue Mug @ $9.00 = $18.00" in body
    assert "Discount: -$3.60" in body and "Total: $14.40" in body
    assert f"https://shop.test/orders/{order.id}" in body
