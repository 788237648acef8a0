"""Use case: apply one payment provider event exactly once."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from application.ordering.access import email_owner
from application.ordering.emails import OrderEmails
from application.ordering.ports import OrderingUnitOfWork
from application.ordering.views import EventOutcome
from application.shared.ports import Clock
from domain.ordering import Order, OrderStatus
from domain.payments import Payment, PaymentEvent, PaymentEventType, PaymentStatus

logger = logging.getLogger(__name__)

KNOWN_EVENT_TYPES = frozenset(t.value for t in PaymentEventType)

Effect = Callable[[OrderingUnitOfWork, datetime], Awaitable[None]]


@dataclass(frozen=True)
class _Plan:
    """What an event will do: its outcome and the writes that carry it out (if any)."""

    outcome: EventOutcome
    effect: Effect | None = None


class HandlePaymentEvent:
    """Apply a provider event (Stripe webhook or sandbox) exactly once per event id.

    Everything happens in one transaction: the event is read and decided without writing,
    its id is recorded with the outcome, and only then are the effects written. A redelivery
    finds the id recorded and changes nothing.
    """

    def __init__(self, uow: OrderingUnitOfWork, clock: Clock, emails: OrderEmails) -> None:
        self._uow = uow
        self._clock = clock
        self._emails = emails

    async def __call__(self, event: PaymentEvent) -> EventOutcome:
        """The outcome recorded for the event, or DUPLICATE for an id already processed."""
        async with self._uow as uow:
            now = self._clock.now()
            plan = await self._plan(uow, event)
            if not await uow.processed_events.record(
                event.event_id, event.type, plan.outcome.value, now
            ):
                return EventOutcome.DUPLICATE
            if plan.effect is not None:
                await plan.effect(uow, now)
            await uow.commit()
        return plan.outcome

    async def _plan(self, uow: OrderingUnitOfWork, event: PaymentEvent) -> _Plan:
        if event.type not in KNOWN_EVENT_TYPES:
            return _Plan(EventOutcome.IGNORED)
        payment = await uow.payments.get_by_intent(event.intent_id) if event.intent_id else None
        if payment is None:
            logger.info("Payment event %s names no known intent; ignored", event.event_id)
            return _Plan(EventOutcome.IGNORED)
        if event.type == PaymentEventType.SUCCEEDED and not event.matches(payment):
            logger.warning(
                "Payment event %s for intent %s: %s %s does not match the payment's %s %s; "
                "the order is not marked paid",
                event.event_id,
                payment.intent_id,
                event.amount_cents,
                event.currency,
                payment.amount_cents,
                payment.currency,
            )
            return _Plan(EventOutcome.MISMATCH)
        # Locked, so a concurrent cancel, refund or expiry can't interleave with this change.
        order = await uow.orders.get(payment.order_id, for_update=True)
        if order is None:
            return _Plan(EventOutcome.IGNORED)
        if event.type == PaymentEventType.SUCCEEDED:
            return self._succeeded(event, payment, order)
        if event.type == PaymentEventType.FAILED:
            return self._failed(payment, order)
        return self._refunded(payment, order)

    def _succeeded(self, event: PaymentEvent, payment: Payment, order: Order) -> _Plan:
        if order.status is OrderStatus.PENDING:

            async def mark_paid(uow: OrderingUnitOfWork, now: datetime) -> None:
                order.mark_paid(now)
                await uow.orders.update(order)
                await _set_status(uow, payment, PaymentStatus.SUCCEEDED, now)
                await email_owner(uow, order, self._emails.confirmation, now)

            return _Plan(EventOutcome.APPLIED, mark_paid)
        if order.status is OrderStatus.CANCELLED:
            # The customer paid an order that expired or was cancelled (its stock is already
            # released): never revive it. The payment is recorded as succeeded so staff can
            # find it and refund it with the provider.
            logger.warning(
                "Payment event %s: intent %s succeeded for cancelled order %s; refund it",
                event.event_id,
                payment.intent_id,
                order.id,
            )

            async def record_payment(uow: OrderingUnitOfWork, now: datetime) -> None:
                await _set_status(uow, payment, PaymentStatus.SUCCEEDED, now)

            return _Plan(EventOutcome.ORDER_NOT_PENDING, record_payment)
        return _Plan(EventOutcome.UNCHANGED)  # already paid, shipped or refunded

    def _failed(self, payment: Payment, order: Order) -> _Plan:
        # A failure only counts while nothing better is known: the customer may retry and a
        # later success still applies; a late failure never undoes a success.
        if order.status is not OrderStatus.PENDING or payment.status not in (
            PaymentStatus.REQUIRES_PAYMENT,
            PaymentStatus.FAILED,
        ):
            return _Plan(EventOutcome.UNCHANGED)

        async def mark_failed(uow: OrderingUnitOfWork, now: datetime) -> None:
            await _set_status(uow, payment, PaymentStatus.FAILED, now)

        return _Plan(EventOutcome.APPLIED, mark_failed)

    def _refunded(self, payment: Payment, order: Order) -> _Plan:
        if order.status not in (OrderStatus.PAID, OrderStatus.SHIPPED):
            return _Plan(EventOutcome.UNCHANGED)  # already refunded, or never paid

        async def refund(uow: OrderingUnitOfWork, now: datetime) -> None:
            order.refund(now)
            await uow.orders.update(order)
            await _set_status(uow, payment, PaymentStatus.REFUNDED, now)
            await email_owner(uow, order, self._emails.refunded, now)

        return _Plan(EventOutcome.APPLIED, refund)


async def _set_status(
    uow: OrderingUnitOfWork, payment: Payment, status: PaymentStatus, now: datetime
) -> None:
    payment.status = status
    payment.updated_at = now
    await uow.payments.update(payment)
