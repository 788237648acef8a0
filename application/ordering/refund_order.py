"""Use case: an admin refunds a paid or shipped order."""

from __future__ import annotations

from uuid import UUID

from application.ordering.access import email_owner
from application.ordering.emails import OrderEmails
from application.ordering.ports import OrderingUnitOfWork, PaymentGateway, PaymentGatewayError
from application.ordering.views import OrderView
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.accounts import Role
from domain.errors import ServiceUnavailable
from domain.ordering import InvalidTransition, OrderNotFound, OrderStatus
from domain.payments import PaymentMissing, PaymentStatus

REFUNDABLE = (OrderStatus.PAID, OrderStatus.SHIPPED)


class RefundOrder:
    """Refund through the provider, then mark the order refunded and email the customer."""

    def __init__(
        self, uow: OrderingUnitOfWork, gateway: PaymentGateway, clock: Clock, emails: OrderEmails
    ) -> None:
        self._uow = uow
        self._gateway = gateway
        self._clock = clock
        self._emails = emails

    async def __call__(self, actor: Actor, order_id: UUID) -> OrderView:
        """The refunded order, or PermissionDenied / OrderNotFound / InvalidTransition /
        PaymentMissing / ServiceUnavailable (provider unreachable)."""
        actor.require(Role.ADMIN)
        async with self._uow as uow:
            order = await uow.orders.get(order_id)
            if order is None:
                raise OrderNotFound()
            if order.status not in REFUNDABLE:
                raise InvalidTransition(order.status, OrderStatus.REFUNDED)
            payment = await uow.payments.get_for_order(order_id)
            if payment is None:
                raise PaymentMissing()
        # Network I/O outside the transaction; the idempotency key makes a retry (or a
        # concurrent second click) refund only once at the provider.
        try:
            await self._gateway.refund(
                payment.intent_id,
                payment.amount_cents,
                idempotency_key=f"order-{order_id}-refund",
            )
        except PaymentGatewayError:
            raise ServiceUnavailable("The payment provider is unavailable") from None
        async with self._uow as uow:
            order = await uow.orders.get(order_id, for_update=True)
            if order is None:
                raise OrderNotFound()
            if order.status is OrderStatus.REFUNDED:
                # The provider's charge.refunded webhook got here first and sent the email.
                return OrderView.from_order(order)
            now = self._clock.now()
            order.refund(now)
            await uow.orders.update(order)
            stored = await uow.payments.get_for_order(order_id)
            if stored is not None:
                stored.status = PaymentStatus.REFUNDED
                stored.updated_at = now
                await uow.payments.update(stored)
            await email_owner(uow, order, self._emails.refunded, now)
            await uow.commit()
        return OrderView.from_order(order)
