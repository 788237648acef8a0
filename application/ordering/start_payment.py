"""Use case: the owner starts paying a pending order."""

from __future__ import annotations

from uuid import UUID

from application.ordering.access import owned_order
from application.ordering.ports import (
    CreatedIntent,
    OrderingUnitOfWork,
    PaymentGateway,
    PaymentGatewayError,
)
from application.ordering.views import PaymentIntentView
from application.shared.actor import Actor
from application.shared.ports import Clock
from application.shared.projection import project
from domain.errors import ServiceUnavailable
from domain.ordering import OrderNotFound, OrderNotPayable, OrderStatus
from domain.payments import Payment, PaymentStatus


def _view(payment: Payment) -> PaymentIntentView:
    return project(payment, PaymentIntentView, payment_intent_id=payment.intent_id)


class StartPayment:
    """Create the order's payment intent with the provider, or return the one it has."""

    def __init__(self, uow: OrderingUnitOfWork, gateway: PaymentGateway, clock: Clock) -> None:
        self._uow = uow
        self._gateway = gateway
        self._clock = clock

    async def __call__(self, actor: Actor, order_id: UUID) -> PaymentIntentView:
        """The intent, or OrderNotFound (not the owner's) / OrderNotPayable /
        ServiceUnavailable (provider unreachable)."""
        async with self._uow as uow:
            order = owned_order(actor, await uow.orders.get(order_id))
            if order.status is not OrderStatus.PENDING:
                raise OrderNotPayable()
            existing = await uow.payments.get_for_order(order.id)
        if existing is not None:
            return _view(existing)
        # The provider call is network I/O: made outside any transaction. Its idempotency key
        # makes concurrent or retried calls get back the very same intent.
        try:
            intent = await self._gateway.create_intent(
                order.id,
                order.total_cents,
                order.currency,
                idempotency_key=f"order-{order.id}-intent",
            )
        except PaymentGatewayError:
            raise ServiceUnavailable("The payment provider is unavailable") from None
        return _view(await self._store(order_id, intent))

    async def _store(self, order_id: UUID, intent: CreatedIntent) -> Payment:
        async with self._uow as uow:
            # The lock makes a concurrent call wait and then find the payment stored here.
            order = await uow.orders.get(order_id, for_update=True)
            if order is None:
                raise OrderNotFound()
            existing = await uow.payments.get_for_order(order_id)
            if existing is not None:
                return existing
            if order.status is not OrderStatus.PENDING:  # expired or cancelled meanwhile
                raise OrderNotPayable()
            now = self._clock.now()
            payment = Payment(
                order_id=order.id,
                provider=self._gateway.name,
                intent_id=intent.intent_id,
                client_secret=intent.client_secret,
                amount_cents=intent.amount_cents,
                currency=intent.currency.upper(),
                status=PaymentStatus.REQUIRES_PAYMENT,
                created_at=now,
                updated_at=now,
            )
            await uow.payments.add(payment)
            order.payment_intent_id = intent.intent_id
            await uow.orders.update(order)
            await uow.commit()
        return payment
