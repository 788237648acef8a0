"""Steps of the ordering features: placing orders, their lifecycle, payment and expiry."""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

from pytest_bdd import given, parsers, step, then, when

from domain.payments import PaymentEvent, PaymentEventType
from tests.bdd.drivers.base import OrderFilters, Outcome
from tests.bdd.steps.accounts_steps import ACTOR, remember_session
from tests.bdd.steps.catalog_steps import PRICE, cents
from tests.bdd.steps.common_steps import time_passes
from tests.bdd.world import HER_DEVICE, World

# What is ordered: `2 "Blue Mug"`, `2 "Blue Mug" and 1 "Red Plate"`, `1 "A", 2 "B" and 3 "C"`.
ITEM = r'\d+ "[^"]+"'
ITEMS = rf"(?P<items>{ITEM}(?:(?:, | and ){ITEM})*|nothing)"
# Which order: the latest one placed in the scenario, or the latest one of a person.
ORDER = r'(?:(?:her|his|their|the) order|the order of "(?P<of>[^"]+)")'

# The order emails, by the kind the store gives them.
EMAIL_KINDS = {
    "order confirmation": "order_confirmation",
    "shipping": "order_shipped",
    "refund": "order_refunded",
}
EMAIL_KIND = r"(?P<kind>order confirmation|shipping|refund)"


def _items(world: World, text: str) -> list[tuple[str, int]]:
    if text == "nothing":
        return []
    return [
        (world.product_id(name), int(qty)) for qty, name in re.findall(r'(\d+) "([^"]+)"', text)
    ]


def _order_now(world: World, order_id: str) -> dict[str, Any]:
    """The order as its owner sees it now."""
    outcome = world.driver.get_order(world.owner_access(order_id), order_id)
    if outcome.refusal == "unauthorized":
        # Time passed and her access token expired: she refreshes her session, as her
        # browser would, and looks again.
        owner = world.order_owner[order_id]
        refreshed = world.driver.refresh(world.session(owner)["refreshToken"])
        assert refreshed.ok, refreshed.describe()
        remember_session(world, owner, HER_DEVICE, refreshed)
        outcome = world.driver.get_order(world.owner_access(order_id), order_id)
    assert outcome.ok, outcome.describe()
    data: dict[str, Any] = outcome.data
    return data


def _must_succeed(outcome: Outcome, what: str) -> None:
    assert outcome.ok, f"{what} should have worked: {outcome.describe()}"


# --- placing orders ------------------------------------------------------------------------------


@step(
    parsers.re(
        rf"{ACTOR} (?P<verb>orders|has ordered) {ITEMS}"
        r'(?: with the key "(?P<key>[^"]+)")?'
    )
)
def orders(world: World, actor: str, verb: str, items: str, key: str | None) -> None:
    """Place an order; as a Given (`has ordered`) it must succeed."""
    email = world.person(actor)
    access = None if email is None else world.session(email)["accessToken"]
    outcome = world.record(world.driver.place_order(access, _items(world, items), key))
    if verb == "has ordered":
        _must_succeed(outcome, "the order")
    if outcome.ok:
        assert email is not None
        order_id = outcome.data["id"]
        world.placements.append(order_id)
        if order_id not in world.order_owner:
            world.orders.append(order_id)
            world.order_owner[order_id] = email


# --- the order's lifecycle -----------------------------------------------------------------------

_LIFECYCLE = {
    "cancels": "cancel_order",
    "has cancelled": "cancel_order",
    "ships": "ship_order",
    "has shipped": "ship_order",
    "refunds": "refund_order",
    "has refunded": "refund_order",
    "views": "get_order",
}


@step(
    parsers.re(
        rf"{ACTOR} (?P<verb>cancels|has cancelled|ships|has shipped|refunds|has refunded|views)"
        rf" {ORDER}"
    )
)
def acts_on_order(world: World, actor: str, verb: str, of: str | None) -> None:
    """Cancel, ship, refund or look at an order; the `has ...` forms must succeed."""
    access = world.access(actor)
    act = getattr(world.driver, _LIFECYCLE[verb])
    outcome = world.record(act(access, world.order_id(of)))
    if verb.startswith("has "):
        _must_succeed(outcome, f"{actor} {verb} the order")


@when(parsers.re(rf"{ACTOR} views an order that does not exist"))
def views_missing_order(world: World, actor: str) -> None:
    """Look at an id no order has."""
    world.record(world.driver.get_order(world.access(actor), str(uuid4())))


_ORDER_LIST_OPTIONS = (
    (r'with the status "(?P<status>[^"]+)"', "status"),
    (r'of "(?P<user>[^"]+)"', "user"),
    (r'sorted by "(?P<sort>[^"]+)"', "sort"),
    (r"(?:showing )?page (?P<page>\d+)", "page"),
    (r"(?:with )?(?P<limit>\d+) per page", "limit"),
)


def parse_order_options(world: World, text: str) -> OrderFilters:
    """Read options such as `of "ana@example.com" with the status "paid"`."""
    filters = OrderFilters()
    rest = text
    for pattern, name in _ORDER_LIST_OPTIONS:
        match = re.search(pattern, rest)
        if match is None:
            continue
        raw = match.group(name)
        if name == "user":
            filters.user_id = world.user_id(raw)
        elif name in ("page", "limit"):
            setattr(filters, name, int(raw))
        else:
            setattr(filters, name, raw)
        rest = rest[: match.start()] + rest[match.end() :]
    leftover = re.sub(r"\b(?:and|with)\b|,", " ", rest).strip()
    assert not leftover, f"unknown order list option(s): {leftover!r}"
    return filters


@when(parsers.re(rf"{ACTOR} lists (?:her|his|their|the) orders(?: (?P<options>.+))?"))
def lists_orders(world: World, actor: str, options: str | None) -> None:
    """One's own orders, or for an admin everyone's, with optional filters."""
    access = world.access(actor)
    world.record(world.driver.list_orders(access, parse_order_options(world, options or "")))


# --- payment -------------------------------------------------------------------------------------


@step(parsers.re(rf"{ACTOR} (?P<verb>pays|has started to pay) for {ORDER}(?: again)?"))
def pays(world: World, actor: str, verb: str, of: str | None) -> None:
    """Start paying: the store asks the provider for a payment; `has started` must work."""
    outcome = world.record(world.driver.start_payment(world.access(actor), world.order_id(of)))
    if verb != "pays":
        _must_succeed(outcome, "starting to pay")
    if outcome.ok:
        world.payments.append(outcome.data)


@given(parsers.re(rf"{ACTOR} has paid for {ORDER}"))
def has_paid(world: World, actor: str, of: str | None) -> None:
    """Start paying and have the provider confirm it: the order is paid."""
    pays(world, actor, "has started to pay", of)
    settled = world.driver.settle_payment(world.payment()["paymentIntentId"], succeed=True)
    _must_succeed(settled, "the payment confirmation")
    order_id = world.order_id(of)
    assert _order_now(world, order_id)["status"] == "paid"


@step(
    parsers.re(
        r"the payment provider (?:(?P<success>confirms|has confirmed) the payment"
        r"|(?:reports|has reported) the payment failed)"
    )
)
def provider_settles(world: World, success: str | None) -> None:
    """The provider tells the store, through the sandbox, how the latest payment went."""
    succeed = success is not None
    settled = world.driver.settle_payment(world.payment()["paymentIntentId"], succeed)
    _must_succeed(settled, "delivering the provider's news")


@when("the payment provider confirms the payment again")
def provider_confirms_again(world: World) -> None:
    """The provider delivers its last confirmation once more, same event id and all."""
    event = world.driver.last_payment_event(PaymentEventType.SUCCEEDED.value)
    assert event.intent_id == world.payment()["paymentIntentId"], event
    outcome = world.driver.deliver_payment_event(event)
    # The premise of the scenario: the store knew this very event and skipped it.
    assert outcome == "duplicate", f"a redelivered event was handled as {outcome!r}"


@when(parsers.re(rf"the payment provider confirms a payment of {PRICE}"))
def provider_confirms_amount(world: World, price: str) -> None:
    """A confirmation of the latest payment that reports some other amount."""
    payment = world.payment()
    event = PaymentEvent(
        event_id=f"evt_spec_{uuid4().hex}",
        type=PaymentEventType.SUCCEEDED.value,
        intent_id=payment["paymentIntentId"],
        amount_cents=cents(price),
        currency=payment["currency"],
    )
    world.driver.deliver_payment_event(event)


# --- expiry --------------------------------------------------------------------------------------


@step("expired orders are swept")
def expired_orders_swept(world: World) -> None:
    """The background job cancels overdue orders."""
    world.driver.sweep_expired_orders()


@step(parsers.re(r"(?P<amount>\d+) (?P<unit>minute|hour|day)s? pass and expired orders are swept"))
def time_passes_and_sweep(world: World, amount: str, unit: str) -> None:
    """Let time pass, then let the background job run."""
    time_passes(world, amount, unit)
    expired_orders_swept(world)


# --- outcomes ------------------------------------------------------------------------------------


@then(parsers.re(rf'{ORDER} is (?:still |now )?"(?P<status>[a-z]+)"'))
def order_is(world: World, of: str | None, status: str) -> None:
    """The order's status, as its owner sees it now."""
    order = _order_now(world, world.order_id(of))
    assert order["status"] == status, f'the order is "{order["status"]}", expected "{status}"'


@then(parsers.re(rf"{ORDER} (?P<amount>subtotal|discount|total) is {PRICE}"))
def order_amount_is(world: World, of: str | None, amount: str, price: str) -> None:
    """One of the order's money amounts."""
    order = _order_now(world, world.order_id(of))
    actual = order[f"{amount}Cents"]
    assert (actual, order["currency"]) == (cents(price), "USD"), order


@then(parsers.re(rf'{ORDER} has a line of (?P<qty>\d+) "(?P<name>[^"]+)" at {PRICE} each'))
def order_has_line(world: World, of: str | None, qty: str, name: str, price: str) -> None:
    """One line of the order, priced as when it was placed."""
    order = _order_now(world, world.order_id(of))
    expected = {
        "productId": world.product_id(name),
        "name": name,
        "unitPriceCents": cents(price),
        "quantity": int(qty),
        "lineTotalCents": cents(price) * int(qty),
    }
    assert expected in order["items"], f"no such line in {order['items']}"


@then(parsers.re(rf'the returned order is "(?P<status>[a-z]+)" with a total of {PRICE}'))
def returned_order_is(world: World, status: str, price: str) -> None:
    """The order the last action returned."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    data = outcome.data
    assert (data["id"], data["status"], data["totalCents"]) == (
        world.order_id(),
        status,
        cents(price),
    ), data


@then(
    parsers.re(
        r"the request is refused as invalid with a problem on the (?P<what>quantity|product)"
        r" of item (?P<n>\d+)"
    )
)
def refused_on_item(world: World, what: str, n: str) -> None:
    """An order refused for one of its items (counted from 1, in the order written)."""
    outcome = world.outcome()
    assert outcome.refusal == "invalid", outcome.describe()
    field = {"quantity": "quantity", "product": "productid"}[what]
    expected = f"items{int(n) - 1}{field}"
    fields = [re.sub(r"[^a-z0-9]", "", f.lower()) for f in outcome.fields]
    assert expected in fields, f"expected a problem on item {n}'s {what}, got {outcome.fields}"


@then(parsers.re(rf"{ACTOR} is asked to pay {PRICE}"))
def asked_to_pay(world: World, actor: str, price: str) -> None:
    """The payment just started is for this amount, in the store currency."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    data = outcome.data
    assert (data["amountCents"], data["currency"]) == (cents(price), "USD"), data
    assert data["provider"] == "sandbox" and data["clientSecret"], data


@then(parsers.re(r"both attempts returned the same (?P<thing>order|payment)"))
def same_result_twice(world: World, thing: str) -> None:
    """The last two attempts came back with one and the same order or payment."""
    if thing == "order":
        ids = world.placements[-2:]
    else:
        ids = [p["paymentIntentId"] for p in world.payments[-2:]]
    assert len(ids) == 2, f"expected two successful attempts, got {ids}"
    assert ids[0] == ids[1], f"two different {thing}s: {ids}"


@then(parsers.re(rf"{ACTOR} has (?P<count>\d+) orders?"))
def has_orders(world: World, actor: str, count: str) -> None:
    """How many orders the person sees in her order list."""
    outcome = world.driver.list_orders(world.access(actor), OrderFilters())
    assert outcome.ok, outcome.describe()
    assert outcome.data["meta"]["total"] == int(count), outcome.data


@then(parsers.re(r"the listed orders belong to (?P<emails>.+)"))
def listed_orders_belong_to(world: World, emails: str) -> None:
    """The page holds orders of exactly these people, in this order."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    expected = re.findall(r'"([^"]+)"', emails)
    listed = [world.email_of(o["userId"]) for o in outcome.data["data"]]
    assert listed == expected, f"expected orders of {expected}, listed {listed}"


def _order_emails(world: World, to: str, kind: str) -> list[Any]:
    """Emails of one kind about the latest order, sent to this address."""
    order_id = world.order_id()
    return [
        m
        for m in world.driver.emails_to(to)
        if m.kind == EMAIL_KINDS[kind] and order_id in m.subject
    ]


@then(parsers.re(rf'an? {EMAIL_KIND} email is sent to "(?P<to>[^"]+)"'))
def order_email_sent(world: World, kind: str, to: str) -> None:
    """At least one email of this kind about the order went to this address."""
    sent = _order_emails(world, to, kind)
    assert sent, f"no {kind} email to {to}; sent: {world.driver.sent_emails()}"


@then(parsers.re(rf'(?P<count>\d+) {EMAIL_KIND} emails? (?:has|have) been sent to "(?P<to>[^"]+)"'))
def order_emails_counted(world: World, count: str, kind: str, to: str) -> None:
    """Exactly this many emails of this kind about the order went to this address."""
    sent = _order_emails(world, to, kind)
    assert len(sent) == int(count), f"expected {count} {kind} emails to {to}, got {sent}"


@then(parsers.re(rf'no {EMAIL_KIND} email is sent to "(?P<to>[^"]+)"'))
def no_order_email_sent(world: World, kind: str, to: str) -> None:
    """No email of this kind about the order went to this address."""
    sent = _order_emails(world, to, kind)
    assert not sent, f"expected no {kind} email to {to}, got {sent}"
