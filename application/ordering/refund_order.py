"""Use case: an admin refunds a paid or shipped order."""

from __future__ import annotations

from uuid import UUID

from application.accounts.actor import Actor
from application.ordering.emails import OrderEmails
from application.ordering.views import OrderView
from application.ports import Clock, PaymentGateway, UnitOfWork


class RefundOrder:
    """Refund through the provider and email the customer."""

    def __init__(
        self, uow: UnitOfWork, gateway: PaymentGateway, clock: Clock, emails: OrderEmails
    ) -> None:
        self._uow = uow
        self._gateway = gateway
        self._clock = clock
        self._emails = emails

    async def __call__(self, actor: Actor, order_id: UUID) -> OrderView:
        """Not implemented yet."""
        raise NotImplementedError
