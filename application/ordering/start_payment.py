"""Use case: the owner starts paying a pending order."""

from __future__ import annotations

from uuid import UUID

from application.accounts.actor import Actor
from application.ordering.views import PaymentIntentView
from application.ports import Clock, PaymentGateway, UnitOfWork


class StartPayment:
    """Create or reuse the order's payment intent."""

    def __init__(self, uow: UnitOfWork, gateway: PaymentGateway, clock: Clock) -> None:
        self._uow = uow
        self._gateway = gateway
        self._clock = clock

    async def __call__(self, actor: Actor, order_id: UUID) -> PaymentIntentView:
        """Not implemented yet."""
        raise NotImplementedError
