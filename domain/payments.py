"""Payments: the intent created for an order and the provider events that settle it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.errors import Conflict, NotFound, ValidationFailed


class PaymentStatus(StrEnum):
    """Where a payment intent stands, as far as the store knows."""

    REQUIRES_PAYMENT = "requires_payment"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


class PaymentEventType(StrEnum):
    """Provider events the store acts on; any other type is acknowledged and ignored."""

    SUCCEEDED = "payment_intent.succeeded"
    FAILED = "payment_intent.payment_failed"
    REFUNDED = "charge.refunded"


class PaymentNotFound(NotFound):
    """No payment with this intent id."""

    message = "Payment not found"


class PaymentMissing(Conflict):
    """The order has no payment to act on (e.g. a refund of an order paid without one)."""

    message = "The order has no payment to refund"


class InvalidWebhookSignature(ValidationFailed):
    """A webhook whose signature is missing, malformed, stale or wrong."""

    def __init__(self) -> None:
        super().__init__(message="Invalid webhook signature")


@dataclass
class Payment:
    """The provider's payment intent for one order (one per order, reused on retries)."""

    order_id: UUID
    provider: str
    intent_id: str
    client_secret: str
    amount_cents: int
    currency: str
    status: PaymentStatus
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PaymentEvent:
    """A provider event in the store's terms. `type` is the provider's raw event type."""

    event_id: str
    type: str
    intent_id: str | None
    amount_cents: int | None = None
    currency: str | None = None  # upper-case ISO code, like the store currency

    def matches(self, payment: Payment) -> bool:
        """True when the event's amount and currency are exactly the payment's."""
        return self.amount_cents == payment.amount_cents and (
            (self.currency or "").upper() == payment.currency.upper()
        )


def format_money(cents: int, currency: str) -> str:
    """Human form of an amount, e.g. $18.00 or 18.00 EUR."""
    amount = f"{cents // 100:,}.{cents % 100:02d}"
    return f"${amount}" if currency.upper() == "USD" else f"{amount} {currency.upper()}"
