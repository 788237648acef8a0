"""Use case: the sandbox provider settles a payment intent."""

from __future__ import annotations

from application.ordering.handle_payment_event import HandlePaymentEvent
from application.ordering.views import EventOutcome
from application.ports import UnitOfWork


class SimulatePayment:
    """Drive the webhook code path for a sandbox intent."""

    def __init__(self, uow: UnitOfWork, handle_payment_event: HandlePaymentEvent) -> None:
        self._uow = uow
        self._handle_payment_event = handle_payment_event

    async def __call__(self, intent_id: str, succeed: bool) -> EventOutcome:
        """Not implemented yet."""
        raise NotImplementedError
