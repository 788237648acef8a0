"""Steps that check orders: their status, amounts and lines, payments asked for, emails sent."""

from __future__ import annotations

import re
from typing import Any

from pytest_bdd import parsers, then

from tests.bdd.accounts.steps import ACTOR
from tests.bdd.accounts.world import AccountsWorld
from tests.bdd.catalog.steps import PRICE, cents
from tests.bdd.catalog.world import CatalogWorld
from tests.bdd.messaging.world import MessagingWorld
from tests.bdd.ordering.driver import OrderFilters
from tests.bdd.ordering.steps import ORDER, order_now
from tests.bdd.ordering.world import OrderingWorld
from tests.bdd.shared.context import World

# The order emails, by the kind the store gives them.
EMAIL_KINDS = {
    "order confirmation": "order_confirmation",
    "shipping": "order_shipped",
    "refund": "order_refunded",
}
EMAIL_KIND = r"(?P<kind>order confirmation|shipping|refund)"


# --- the order as it is now ------------------------------------------------------------------


@then(parsers.re(rf'{ORDER} is (?:still |now )?"(?P<status>[a-z]+)"'))
def order_is(accounts: AccountsWorld, ordering: OrderingWorld, of: str | None, status: str) -> None:
    """The order's status, as its owner sees it now."""
    order = order_now(accounts, ordering, ordering.order_id(of))
    assert order["status"] == status, f'the order is "{order["status"]}", expected "{status}"'


@then(parsers.re(rf"{ORDER} (?P<amount>subtotal|discount|total) is {PRICE}"))
def order_amount_is(
    accounts: AccountsWorld, ordering: OrderingWorld, of: str | None, amount: str, price: str
) -> None:
    """One of the order's money amounts."""
    order = order_now(accounts, ordering, ordering.order_id(of))
    actual = order[f"{amount}Cents"]
    assert (actual, order["currency"]) == (cents(price), "USD"), order


@then(parsers.re(rf'{ORDER} has a line of (?P<qty>\d+) "(?P<name>[^"]+)" at {PRICE} each'))
def order_has_line(
    accounts: AccountsWorld,
    catalog: CatalogWorld,
    ordering: OrderingWorld,
    of: str | None,
    qty: str,
    name: str,
    price: str,
) -> None:
    """One line of the order, priced as when it was placed."""
    order = order_now(accounts, ordering, ordering.order_id(of))
    expected = {
        "productId": catalog.product_id(name),
        "name": name,
        "unitPriceCents": cents(price),
        "quantity": int(qty),
        "lineTotalCents": cents(price) * int(qty),
    }
    assert expected in order["items"], f"no such line in {order['items']}"


@then(parsers.re(rf'the returned order is "(?P<status>[a-z]+)" with a total of {PRICE}'))
def returned_order_is(world: World, ordering: OrderingWorld, status: str, price: str) -> None:
    """The order the last action returned."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    data = outcome.data
    assert (data["id"], data["status"], data["totalCents"]) == (
        ordering.order_id(),
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
def same_result_twice(ordering: OrderingWorld, thing: str) -> None:
    """The last two attempts came back with one and the same order or payment."""
    if thing == "order":
        ids = ordering.placements[-2:]
    else:
        ids = [p["paymentIntentId"] for p in ordering.payments[-2:]]
    assert len(ids) == 2, f"expected two successful attempts, got {ids}"
    assert ids[0] == ids[1], f"two different {thing}s: {ids}"


@then(parsers.re(rf"{ACTOR} has (?P<count>\d+) orders?"))
def has_orders(accounts: AccountsWorld, ordering: OrderingWorld, actor: str, count: str) -> None:
    """How many orders the person sees in her order list."""
    outcome = ordering.driver.list_orders(accounts.access(actor), OrderFilters())
    assert outcome.ok, outcome.describe()
    assert outcome.data["meta"]["total"] == int(count), outcome.data


@then(parsers.re(r"the listed orders belong to (?P<emails>.+)"))
def listed_orders_belong_to(world: World, accounts: AccountsWorld, emails: str) -> None:
    """The page holds orders of exactly these people, in this order."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    expected = re.findall(r'"([^"]+)"', emails)
    listed = [accounts.email_of(o["userId"]) for o in outcome.data["data"]]
    assert listed == expected, f"expected orders of {expected}, listed {listed}"


def _order_emails(
    ordering: OrderingWorld, messaging: MessagingWorld, to: str, kind: str
) -> list[Any]:
    """Emails of one kind about the latest order, sent to this address."""
    order_id = ordering.order_id()
    return [
        m
        for m in messaging.driver.emails_to(to)
        if m.kind == EMAIL_KINDS[kind] and order_id in m.subject
    ]


@then(parsers.re(rf'an? {EMAIL_KIND} email is sent to "(?P<to>[^"]+)"'))
def order_email_sent(
    ordering: OrderingWorld, messaging: MessagingWorld, kind: str, to: str
) -> None:
    """At least one email of this kind about the order went to this address."""
    sent = _order_emails(ordering, messaging, to, kind)
    assert sent, f"no {kind} email to {to}; sent: {messaging.driver.sent_emails()}"


@then(parsers.re(rf'(?P<count>\d+) {EMAIL_KIND} emails? (?:has|have) been sent to "(?P<to>[^"]+)"'))
def order_emails_counted(
    ordering: OrderingWorld, messaging: MessagingWorld, count: str, kind: str, to: str
) -> None:
    """Exactly this many emails of this kind about the order went to this address."""
    sent = _order_emails(ordering, messaging, to, kind)
    assert len(sent) == int(count), f"expected {count} {kind} emails to {to}, got {sent}"


@then(parsers.re(rf'no {EMAIL_KIND} email is sent to "(?P<to>[^"]+)"'))
def no_order_email_sent(
    ordering: OrderingWorld, messaging: MessagingWorld, kind: str, to: str
) -> None:
    """No email of this kind about the order went to this address."""
    sent = _order_emails(ordering, messaging, to, kind)
    assert not sent, f"expected no {kind} email to {to}, got {sent}"
