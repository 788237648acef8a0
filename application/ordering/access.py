"""Who may see an order, and the owner emails order use cases queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from application.ordering.ports import OrderingUnitOfWork
from application.shared.actor import Actor
from domain.errors import PermissionDenied
from domain.messages import EmailMessage, OutboxMessage
from domain.ordering import Order, OrderNotFound


def require_user(actor: Actor) -> UUID:
    """The actor's user id; the CLI operator is no user and can't act as a customer."""
    if actor.user_id is None:
        raise PermissionDenied("Only a signed-in user can do this")
    return actor.user_id


def visible_order(actor: Actor, order: Order | None) -> Order:
    """The order if the actor owns it or is an admin; OrderNotFound otherwise (never 403)."""
    if order is None or not (actor.is_admin or order.user_id == actor.user_id):
        raise OrderNotFound()
    return order


def owned_order(actor: Actor, order: Order | None) -> Order:
    """The order if the actor owns it; OrderNotFound otherwise."""
    if order is None or order.user_id != actor.user_id:
        raise OrderNotFound()
    return order


async def release_stock(uow: OrderingUnitOfWork, order: Order) -> None:
    """Put the order's reserved quantities back, in product id order (no lock-order deadlocks)."""
    for line in sorted(order.lines, key=lambda line: line.product_id):
        # None means the product is gone; there is nothing to give the stock back to.
        await uow.products.try_adjust_stock(line.product_id, line.quantity)


async def email_owner(
    uow: OrderingUnitOfWork,
    order: Order,
    render: Callable[[str, Order], EmailMessage],
    now: datetime,
) -> None:
    """Queue an email to the order's owner in the current transaction."""
    user = await uow.users.get(order.user_id)
    if user is None:  # the account was deleted: nobody left to tell
        return
    await uow.outbox.add(OutboxMessage.new(render(user.email, order), now))
