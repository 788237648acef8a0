"""Use case: apply one payment provider event exactly once."""

from __future__ import annotations

from application.ordering.emails import OrderEmails
from application.ordering.views import EventOutcome
from application.ports import Clock, UnitOfWork
from domain.payments import PaymentEvent


class HandlePaymentEvent:
    """Apply a provider event (webhook or sandbox) exactly once."""

    def __init__(self, uow: UnitOfWork, clock: Clock, emails: OrderEmails) -> None:
        self._uow = uow
        self._clock = clock
        self._emails = emails

    async def __call__(self, event: PaymentEvent) -> EventOutcome:
        """Not implemented yet."""
        raise NotImplementedError
