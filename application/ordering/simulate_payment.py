"""Use case: the sandbox provider settles a payment intent."""

from __future__ import annotations

from uuid import uuid4

from application.ordering.handle_payment_event import HandlePaymentEvent
from application.ordering.ports import OrderingUnitOfWork
from application.ordering.views import EventOutcome
from domain.payments import PaymentEvent, PaymentEventType, PaymentNotFound


class SimulatePayment:
    """Make a sandbox intent succeed or fail through the very code path of the webhook."""

    def __init__(self, uow: OrderingUnitOfWork, handle_payment_event: HandlePaymentEvent) -> None:
        self._uow = uow
        self._handle_payment_event = handle_payment_event

    async def __call__(self, intent_id: str, succeed: bool) -> EventOutcome:
        """The outcome of the simulated event, or PaymentNotFound for an unknown intent."""
        async with self._uow as uow:
            payment = await uow.payments.get_by_intent(intent_id)
        if payment is None:
            raise PaymentNotFound()
        event = PaymentEvent(
            event_id=f"evt_sandbox_{uuid4().hex}",
            type=(PaymentEventType.SUCCEEDED if succeed else PaymentEventType.FAILED).value,
            intent_id=payment.intent_id,
            amount_cents=payment.amount_cents,
            currency=payment.currency,
        )
        return await self._handle_payment_event(event)
