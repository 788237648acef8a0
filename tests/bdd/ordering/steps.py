"""Steps of the ordering features: placing orders, their lifecycle, payment and expiry.

What an order looks like afterwards is checked by the steps in outcome_steps.py."""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

from pytest_bdd import given, parsers, step, when

from domain.payments import PaymentEvent, PaymentEventType
from tests.bdd.accounts.steps import ACTOR, remember_session
from tests.bdd.accounts.world import HER_DEVICE, AccountsWorld
from tests.bdd.catalog.steps import PRICE, cents
from tests.bdd.catalog.world import CatalogWorld
from tests.bdd.ordering.driver import OrderFilters
from tests.bdd.ordering.world import OrderingWorld
from tests.bdd.shared.context import World
from tests.bdd.shared.outcome import Outcome
from tests.bdd.shared.steps import time_passes

# What is ordered: `2 "Blue Mug"`, `2 "Blue Mug" and 1 "Red Plate"`, `1 "A", 2 "B" and 3 "C"`.
ITEM = r'\d+ "[^"]+"'
ITEMS = rf"(?P<items>{ITEM}(?:(?:, | and ){ITEM})*|nothing)"
# Which order: the latest one placed in the scenario, or the latest one of a person.
ORDER = r'(?:(?:her|his|their|the) order|the order of "(?P<of>[^"]+)")'


def _items(catalog: CatalogWorld, text: str) -> list[tuple[str, int]]:
    if text == "nothing":
        return []
    return [
        (catalog.product_id(name), int(qty)) for qty, name in re.findall(r'(\d+) "([^"]+)"', text)
    ]


def _owner_access(accounts: AccountsWorld, ordering: OrderingWorld, order_id: str) -> str:
    """The access token of the person who placed an order."""
    token: str = accounts.session(ordering.order_owner[order_id])["accessToken"]
    return token


def order_now(accounts: AccountsWorld, ordering: OrderingWorld, order_id: str) -> dict[str, Any]:
    """The order as its owner sees it now."""
    outcome = ordering.driver.get_order(_owner_access(accounts, ordering, order_id), order_id)
    if outcome.refusal == "unauthorized":
        # Time passed and her access token expired: she refreshes her session, as her
        # browser would, and looks again.
        owner = ordering.order_owner[order_id]
        refreshed = accounts.driver.refresh(accounts.session(owner)["refreshToken"])
        assert refreshed.ok, refreshed.describe()
        remember_session(accounts, owner, HER_DEVICE, refreshed)
        outcome = ordering.driver.get_order(_owner_access(accounts, ordering, order_id), order_id)
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
def orders(
    world: World,
    accounts: AccountsWorld,
    catalog: CatalogWorld,
    ordering: OrderingWorld,
    actor: str,
    verb: str,
    items: str,
    key: str | None,
) -> None:
    """Place an order; as a Given (`has ordered`) it must succeed."""
    email = accounts.person(actor)
    access = None if email is None else accounts.session(email)["accessToken"]
    outcome = world.record(ordering.driver.place_order(access, _items(catalog, items), key))
    if verb == "has ordered":
        _must_succeed(outcome, "the order")
    if outcome.ok:
        assert email is not None
        order_id = outcome.data["id"]
        ordering.placements.append(order_id)
        if order_id not in ordering.order_owner:
            ordering.orders.append(order_id)
            ordering.order_owner[order_id] = email


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
def acts_on_order(
    world: World,
    accounts: AccountsWorld,
    ordering: OrderingWorld,
    actor: str,
    verb: str,
    of: str | None,
) -> None:
    """Cancel, ship, refund or look at an order; the `has ...` forms must succeed."""
    access = accounts.access(actor)
    act = getattr(ordering.driver, _LIFECYCLE[verb])
    outcome = world.record(act(access, ordering.order_id(of)))
    if verb.startswith("has "):
        _must_succeed(outcome, f"{actor} {verb} the order")


@when(parsers.re(rf"{ACTOR} views an order that does not exist"))
def views_missing_order(
    world: World, accounts: AccountsWorld, ordering: OrderingWorld, actor: str
) -> None:
    """Look at an id no order has."""
    world.record(ordering.driver.get_order(accounts.access(actor), str(uuid4())))


_ORDER_LIST_OPTIONS = (
    (r'with the status "(?P<status>[^"]+)"', "status"),
    (r'of "(?P<user>[^"]+)"', "user"),
    (r'sorted by "(?P<sort>[^"]+)"', "sort"),
    (r"(?:showing )?page (?P<page>\d+)", "page"),
    (r"(?:with )?(?P<limit>\d+) per page", "limit"),
)


def parse_order_options(accounts: AccountsWorld, text: str) -> OrderFilters:
    """Read options such as `of "ana@example.com" with the status "paid"`."""
    filters = OrderFilters()
    rest = text
    for pattern, name in _ORDER_LIST_OPTIONS:
        match = re.search(pattern, rest)
        if match is None:
            continue
        raw = match.group(name)
        if name == "user":
            filters.user_id = accounts.user_id(raw)
        elif name in ("page", "limit"):
            setattr(filters, name, int(raw))
        else:
            setattr(filters, name, raw)
        rest = rest[: match.start()] + rest[match.end() :]
    leftover = re.sub(r"\b(?:and|with)\b|,", " ", rest).strip()
    assert not leftover, f"unknown order list option(s): {leftover!r}"
    return filters


@when(parsers.re(rf"{ACTOR} lists (?:her|his|their|the) orders(?: (?P<options>.+))?"))
def lists_orders(
    world: World, accounts: AccountsWorld, ordering: OrderingWorld, actor: str, options: str | None
) -> None:
    """One's own orders, or for an admin everyone's, with optional filters."""
    access = accounts.access(actor)
    world.record(ordering.driver.list_orders(access, parse_order_options(accounts, options or "")))


# --- payment -------------------------------------------------------------------------------------


@step(parsers.re(rf"{ACTOR} (?P<verb>pays|has started to pay) for {ORDER}(?: again)?"))
def pays(
    world: World,
    accounts: AccountsWorld,
    ordering: OrderingWorld,
    actor: str,
    verb: str,
    of: str | None,
) -> None:
    """Start paying: the store asks the provider for a payment; `has started` must work."""
    outcome = world.record(
        ordering.driver.start_payment(accounts.access(actor), ordering.order_id(of))
    )
    if verb != "pays":
        _must_succeed(outcome, "starting to pay")
    if outcome.ok:
        ordering.payments.append(outcome.data)


@given(parsers.re(rf"{ACTOR} has paid for {ORDER}"))
def has_paid(
    world: World, accounts: AccountsWorld, ordering: OrderingWorld, actor: str, of: str | None
) -> None:
    """Start paying and have the provider confirm it: the order is paid."""
    pays(world, accounts, ordering, actor, "has started to pay", of)
    settled = ordering.driver.settle_payment(ordering.payment()["paymentIntentId"], succeed=True)
    _must_succeed(settled, "the payment confirmation")
    order_id = ordering.order_id(of)
    assert order_now(accounts, ordering, order_id)["status"] == "paid"


@step(
    parsers.re(
        r"the payment provider (?:(?P<success>confirms|has confirmed) the payment"
        r"|(?:reports|has reported) the payment failed)"
    )
)
def provider_settles(ordering: OrderingWorld, success: str | None) -> None:
    """The provider tells the store, through the sandbox, how the latest payment went."""
    succeed = success is not None
    settled = ordering.driver.settle_payment(ordering.payment()["paymentIntentId"], succeed)
    _must_succeed(settled, "delivering the provider's news")


@when("the payment provider confirms the payment again")
def provider_confirms_again(ordering: OrderingWorld) -> None:
    """The provider delivers its last confirmation once more, same event id and all."""
    event = ordering.driver.last_payment_event(PaymentEventType.SUCCEEDED.value)
    assert event.intent_id == ordering.payment()["paymentIntentId"], event
    outcome = ordering.driver.deliver_payment_event(event)
    # The premise of the scenario: the store knew this very event and skipped it.
    assert outcome == "duplicate", f"a redelivered event was handled as {outcome!r}"


@when(parsers.re(rf"the payment provider confirms a payment of {PRICE}"))
def provider_confirms_amount(ordering: OrderingWorld, price: str) -> None:
    """A confirmation of the latest payment that reports some other amount."""
    payment = ordering.payment()
    event = PaymentEvent(
        event_id=f"evt_spec_{uuid4().hex}",
        type=PaymentEventType.SUCCEEDED.value,
        intent_id=payment["paymentIntentId"],
        amount_cents=cents(price),
        currency=payment["currency"],
    )
    ordering.driver.deliver_payment_event(event)


# --- expiry --------------------------------------------------------------------------------------


@step("expired orders are swept")
def expired_orders_swept(ordering: OrderingWorld) -> None:
    """The background job cancels overdue orders."""
    ordering.driver.sweep_expired_orders()


@step(parsers.re(r"(?P<amount>\d+) (?P<unit>minute|hour|day)s? pass and expired orders are swept"))
def time_passes_and_sweep(world: World, ordering: OrderingWorld, amount: str, unit: str) -> None:
    """Let time pass, then let the background job run."""
    time_passes(world, amount, unit)
    expired_orders_swept(ordering)
