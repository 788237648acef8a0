"""What ordering use cases return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from application.shared.projection import project
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
        return project(line, cls)


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
        return project(
            order, cls, lines=tuple(OrderLineView.from_line(line) for line in order.lines)
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
