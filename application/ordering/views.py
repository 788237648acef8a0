"""What ordering use cases return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.ordering import Order, OrderLine, OrderStatus


@dataclass(frozen=True)
class OrderLineView:
    """One line of an order, priced as at order time."""

    product_id: UUID
    name: str
    unit_price_cents: int
    quantity: int
    line_total_cents: int

    @classmethod
    def from_line(cls, line: OrderLine) -> OrderLineView:
        """Project an order line."""
        return cls(
            product_id=line.product_id,
            name=line.name,
            unit_price_cents=line.unit_price_cents,
            quantity=line.quantity,
            line_total_cents=line.line_total_cents,
        )


@dataclass(frozen=True)
class OrderView:
    """An order as its owner and staff see it."""

    id: UUID
    user_id: UUID
    status: OrderStatus
    lines: tuple[OrderLineView, ...]
    subtotal_cents: int
    discount_cents: int
    total_cents: int
    currency: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_order(cls, order: Order) -> OrderView:
        """Project an order entity to its view."""
        return cls(
            id=order.id,
            user_id=order.user_id,
            status=order.status,
            lines=tuple(OrderLineView.from_line(line) for line in order.lines),
            subtotal_cents=order.subtotal_cents,
            discount_cents=order.discount_cents,
            total_cents=order.total_cents,
            currency=order.currency,
            created_at=order.created_at,
            updated_at=order.updated_at,
        )


@dataclass(frozen=True)
class PaymentIntentView:
    """What a client needs to pay an order with the provider."""

    provider: str
    payment_intent_id: str
    client_secret: str
    amount_cents: int
    currency: str


class EventOutcome(StrEnum):
    """What handling one provider event did; recorded with the event id."""

    APPLIED = "applied"  # the event changed the order or payment
    DUPLICATE = "duplicate"  # this event id was already processed: nothing changed
    IGNORED = "ignored"  # an event type or intent the store does not know
    MISMATCH = "mismatch"  # amount or currency differ from the payment: not marked paid
    ORDER_NOT_PENDING = "order_not_pending"  # paid after cancel/expiry: staff should refund
    UNCHANGED = "unchanged"  # late or out-of-order delivery; the order is already past it
