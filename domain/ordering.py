"""Ordering: orders, their lines, money rules and the status machine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from domain.accounts import Tier
from domain.errors import (
    BusinessRuleViolated,
    Conflict,
    FieldError,
    NotFound,
    ValidationFailed,
)

MAX_DISTINCT_PRODUCTS = 50
MAX_QUANTITY = 100
MINIMUM_ORDER_CENTS = 1000
DEFAULT_ORDER_TTL = timedelta(minutes=30)
TIER_DISCOUNT_PERCENT = {Tier.STANDARD: 0, Tier.REGULAR: 10, Tier.PREMIUM: 20}


class OrderStatus(StrEnum):
    """Where an order is in its life."""

    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


ALLOWED_TRANSITIONS = {
    OrderStatus.PENDING: {OrderStatus.PAID, OrderStatus.CANCELLED},
    OrderStatus.PAID: {OrderStatus.SHIPPED, OrderStatus.REFUNDED},
    OrderStatus.SHIPPED: {OrderStatus.REFUNDED},
    OrderStatus.CANCELLED: set(),
    OrderStatus.REFUNDED: set(),
}


class InvalidTransition(Conflict):
    """The order cannot move from its status to the requested one."""

    def __init__(self, current: OrderStatus, target: OrderStatus) -> None:
        super().__init__(f"Cannot change an order from {current} to {target}")


class OrderNotFound(NotFound):
    """No such order, or one the caller may not see."""

    message = "Order not found"


class OrderNotPayable(Conflict):
    """Only a pending order can be paid."""

    message = "Only a pending order can be paid"


class MinimumOrderAmount(BusinessRuleViolated):
    """The subtotal is below the store minimum."""

    message = "Minimum order amount is $10"


class IdempotencyKeyReused(BusinessRuleViolated):
    """An Idempotency-Key already placed an order for other items."""

    message = "Idempotency-Key was used with a different request"


@dataclass(frozen=True)
class RequestedItem:
    """A product and quantity a customer asks for."""

    product_id: UUID
    quantity: int


def check_requested_items(items: Sequence[RequestedItem]) -> None:
    """Enforce 1..50 distinct products, quantity 1..100, no product twice."""
    if not 1 <= len(items) <= MAX_DISTINCT_PRODUCTS:
        raise ValidationFailed.of(
            "items", f"An order has 1 to {MAX_DISTINCT_PRODUCTS} distinct products"
        )
    errors = []
    seen: set[UUID] = set()
    for index, item in enumerate(items):
        if not 1 <= item.quantity <= MAX_QUANTITY:
            errors.append(
                FieldError(f"items[{index}].quantity", f"Quantity must be 1 to {MAX_QUANTITY}")
            )
        if item.product_id in seen:
            errors.append(FieldError(f"items[{index}].productId", "Product appears twice"))
        seen.add(item.product_id)
    if errors:
        raise ValidationFailed(*errors)


MAX_IDEMPOTENCY_KEY = 255


def normalize_idempotency_key(raw: str | None) -> str | None:
    """The key trimmed (None when absent or blank); refuse one longer than 255 characters."""
    if raw is None or not raw.strip():
        return None
    key = raw.strip()
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise ValidationFailed.of(
            "Idempotency-Key", f"Idempotency-Key must be at most {MAX_IDEMPOTENCY_KEY} characters"
        )
    return key


def tier_discount(subtotal_cents: int, tier: Tier) -> int:
    """The tier discount in cents, rounded half up to whole cents."""
    percent = TIER_DISCOUNT_PERCENT[tier]
    return (subtotal_cents * percent + 50) // 100


@dataclass(frozen=True)
class OrderLine:
    """One product in an order, with its price captured at order time."""

    product_id: UUID
    name: str
    unit_price_cents: int
    quantity: int

    @property
    def line_total_cents(self) -> int:
        """Unit price times quantity."""
        return self.unit_price_cents * self.quantity


@dataclass
class Order:
    """A customer's order and its money."""

    id: UUID
    user_id: UUID
    status: OrderStatus
    lines: list[OrderLine]
    subtotal_cents: int
    discount_cents: int
    total_cents: int
    currency: str
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    idempotency_key: str | None = None
    payment_intent_id: str | None = field(default=None)

    def was_placed_for(self, items: Sequence[RequestedItem]) -> bool:
        """True when the order's lines are exactly these products and quantities, in any
        order: the request a repeated Idempotency-Key must repeat."""
        placed = sorted((line.product_id, line.quantity) for line in self.lines)
        return placed == sorted((item.product_id, item.quantity) for item in items)

    @classmethod
    def place(
        cls,
        user_id: UUID,
        lines: list[OrderLine],
        tier: Tier,
        currency: str,
        now: datetime,
        ttl: timedelta = DEFAULT_ORDER_TTL,
        idempotency_key: str | None = None,
    ) -> Order:
        """A pending order; refuses a subtotal under the minimum."""
        subtotal = sum(line.line_total_cents for line in lines)
        if subtotal < MINIMUM_ORDER_CENTS:
            raise MinimumOrderAmount()
        discount = tier_discount(subtotal, tier)
        return cls(
            uuid4(),
            user_id,
            OrderStatus.PENDING,
            lines,
            subtotal,
            discount,
            subtotal - discount,
            currency,
            now,
            now,
            now + ttl,
            idempotency_key,
        )

    def _move(self, target: OrderStatus, now: datetime) -> None:
        if target not in ALLOWED_TRANSITIONS[self.status]:
            raise InvalidTransition(self.status, target)
        self.status = target
        self.updated_at = now

    def mark_paid(self, now: datetime) -> None:
        """pending -> paid."""
        self._move(OrderStatus.PAID, now)

    def cancel(self, now: datetime) -> None:
        """pending -> cancelled (the caller releases the stock)."""
        self._move(OrderStatus.CANCELLED, now)

    def ship(self, now: datetime) -> None:
        """paid -> shipped."""
        self._move(OrderStatus.SHIPPED, now)

    def refund(self, now: datetime) -> None:
        """paid or shipped -> refunded."""
        self._move(OrderStatus.REFUNDED, now)

    def is_expired(self, now: datetime) -> bool:
        """A pending order past its payment deadline."""
        return self.status is OrderStatus.PENDING and now >= self.expires_at
