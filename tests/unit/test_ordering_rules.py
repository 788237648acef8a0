"""Catalog and ordering business rules, without I/O."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.accounts import Tier
from domain.catalog import InsufficientStock, Product
from domain.errors import ValidationFailed
from domain.ordering import (
    InvalidTransition,
    MinimumOrderAmount,
    Order,
    OrderLine,
    OrderStatus,
    RequestedItem,
    check_requested_items,
    tier_discount,
)

NOW = datetime(2026, 1, 31, 12, tzinfo=UTC)


def line(price: int, qty: int) -> OrderLine:
    return OrderLine(uuid4(), "Mug", price, qty)


def test_product_refuses_zero_price_and_negative_stock_naming_both_fields():
    with pytest.raises(ValidationFailed) as err:
        Product.create("Mug", 0, -1, NOW)
    assert [e.field for e in err.value.errors] == ["priceCents", "stock"]


def test_stock_adjustment_never_goes_below_zero():
    product = Product.create("Blue Mug", 900, 2, NOW)
    product.adjust_stock(-2, NOW)
    assert product.stock == 0
    with pytest.raises(InsufficientStock, match="Blue Mug"):
        product.adjust_stock(-1, NOW)


@pytest.mark.parametrize(
    ("tier", "subtotal", "discount"),
    [
        (Tier.STANDARD, 1999, 0),
        (Tier.REGULAR, 1999, 200),
        (Tier.PREMIUM, 1999, 400),
        (Tier.REGULAR, 1005, 101),
        (Tier.PREMIUM, 1002, 200),
    ],
)
def test_tier_discount_rounds_to_whole_cents(tier, subtotal, discount):
    assert tier_discount(subtotal, tier) == discount


def test_order_below_minimum_subtotal_is_refused_before_discount():
    with pytest.raises(MinimumOrderAmount, match=r"\$10"):
        Order.place(uuid4(), [line(999, 1)], Tier.STANDARD, "USD", NOW)


def test_order_totals_apply_the_tier_discount_to_the_subtotal():
    order = Order.place(uuid4(), [line(900, 2), line(250, 1)], Tier.PREMIUM, "USD", NOW)
    assert (order.subtotal_cents, order.discount_cents, order.total_cents) == (2050, 410, 1640)
    assert order.status is OrderStatus.PENDING
    assert order.expires_at == NOW + timedelta(minutes=30)


def test_requested_items_refuse_duplicates_bad_quantities_and_empty_orders():
    pid = uuid4()
    with pytest.raises(ValidationFailed) as err:
        check_requested_items([RequestedItem(pid, 0), RequestedItem(pid, 101)])
    assert {e.field for e in err.value.errors} == {
        "items[0].quantity",
        "items[1].quantity",
        "items[1].productId",
    }
    with pytest.raises(ValidationFailed):
        check_requested_items([])
    with pytest.raises(ValidationFailed):
        check_requested_items([RequestedItem(uuid4(), 1) for _ in range(51)])


def test_status_machine_allows_only_the_contract_transitions():
    order = Order.place(uuid4(), [line(1000, 1)], Tier.STANDARD, "USD", NOW)
    with pytest.raises(InvalidTransition):
        order.ship(NOW)
    order.mark_paid(NOW)
    with pytest.raises(InvalidTransition):
        order.cancel(NOW)
    order.ship(NOW)
    order.refund(NOW)
    assert order.status is OrderStatus.REFUNDED
    with pytest.raises(InvalidTransition):
        order.refund(NOW)


def test_only_pending_orders_past_their_deadline_are_expired():
    order = Order.place(uuid4(), [line(1000, 1)], Tier.STANDARD, "USD", NOW)
    assert not order.is_expired(NOW + timedelta(minutes=29))
    assert order.is_expired(NOW + timedelta(minutes=30))
    order.mark_paid(NOW)
    assert not order.is_expired(NOW + timedelta(hours=1))
