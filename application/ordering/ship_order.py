"""Use case: staff ship a paid order."""

from __future__ import annotations

from uuid import UUID

from application.ordering.access import email_owner
from application.ordering.emails import OrderEmails
from application.ordering.ports import OrderingUnitOfWork
from application.ordering.views import OrderView
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.accounts import Role
from domain.ordering import OrderNotFound


class ShipOrder:
    """Mark a paid order shipped and email the customer; admins and editors."""

    def __init__(self, uow: OrderingUnitOfWork, clock: Clock, emails: OrderEmails) -> None:
        self._uow = uow
        self._clock = clock
        self._emails = emails

    async def __call__(self, actor: Actor, order_id: UUID) -> OrderView:
        """The shipped order, or PermissionDenied / OrderNotFound / InvalidTransition."""
        actor.require(Role.ADMIN, Role.EDITOR)
        async with self._uow as uow:
            order = await uow.orders.get(order_id, for_update=True)
            if order is None:
                raise OrderNotFound()
            now = self._clock.now()
            order.ship(now)
            await uow.orders.update(order)
            await email_owner(uow, order, self._emails.shipped, now)
            await uow.commit()
        return OrderView.from_order(order)
