"""A shop driven through the real composition root, with read-backs straight from the tables."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID, uuid4

from sqlalchemy import ColumnElement, Table, func, select
from sqlalchemy.sql import Select

from adapters.sqlalchemy.catalog import products
from adapters.sqlalchemy.messaging import outbox
from adapters.sqlalchemy.ordering.tables import orders, payments
from application.accounts.commands import CreateUserCommand
from application.catalog.commands import CreateProductCommand
from application.ordering.commands import PlaceOrderCommand
from application.ordering.views import OrderView, PaymentIntentView
from application.shared.actor import Actor
from domain.accounts import Role
from domain.errors import DomainError
from domain.ordering import RequestedItem
from domain.payments import PaymentEvent, PaymentEventType
from entrypoints.containers import Container
from entrypoints.http.errors import DOMAIN_STATUS

T = TypeVar("T")

PRICE_CENTS = 1250  # above the $10 minimum, so one unit is a valid order
PASSWORD = "Secret123"


def http_status(error: BaseException) -> int | None:
    """The status the HTTP layer answers for a domain error (None for anything else)."""
    if not isinstance(error, DomainError):
        return None
    return next((status for cls, status in DOMAIN_STATUS if isinstance(error, cls)), None)


async def run_together(calls: list[Awaitable[T]]) -> list[T | BaseException]:
    """Start every call at once on the loop; return each one's result or exception, in order."""
    return await asyncio.gather(*calls, return_exceptions=True)


@dataclass
class Shop:
    """The container plus arrange and read-back helpers that go straight to the database."""

    container: Container
    backend: str

    async def scalar(self, stmt: Select[Any]) -> Any:
        """One value read back from the database, outside any use case."""
        async with self.container.core.engine().connect() as conn:
            return (await conn.execute(stmt)).scalar_one()

    async def customer(self, email: str | None = None) -> Actor:
        """A verified standard-tier customer (no discount, so totals equal prices), as an HTTP
        request's authentication makes it: carrying the account it read."""
        user = await self.container.accounts.create_user()(
            Actor.system(),
            CreateUserCommand(
                email=email or f"c-{uuid4().hex[:12]}@example.com", password=PASSWORD
            ),
        )
        return Actor(user_id=user.id, role=Role.CUSTOMER, profile=user)

    async def customers(self, count: int) -> list[Actor]:
        """`count` distinct verified customers, created one after another."""
        return [
            await self.customer(f"customer{n}-{uuid4().hex[:8]}@example.com") for n in range(count)
        ]

    async def product(self, stock: int, name: str | None = None) -> UUID:
        """An active product at PRICE_CENTS with this stock."""
        view = await self.container.catalog.create_product()(
            Actor.system(),
            CreateProductCommand(
                name=name or f"Mug {uuid4().hex[:8]}", price_cents=PRICE_CENTS, stock=stock
            ),
        )
        return view.id

    async def place(
        self, actor: Actor, product_id: UUID, key: str | None = None, quantity: int = 1
    ) -> OrderView:
        """Units of the product (one by default), through PlaceOrder (a fresh use case per call)."""
        items = (RequestedItem(product_id, quantity),)
        command = PlaceOrderCommand(items=items, idempotency_key=key)
        return await self.container.ordering.place_order()(actor, command)

    async def start_payment(self, actor: Actor, order_id: UUID) -> PaymentIntentView:
        """The order's sandbox payment intent."""
        return await self.container.ordering.start_payment()(actor, order_id)

    async def stock(self, product_id: UUID) -> int:
        """The product's stock as stored."""
        return int(await self.scalar(select(products.c.stock).where(products.c.id == product_id)))

    async def order_status(self, order_id: UUID) -> str:
        """The order's status as stored."""
        return str(await self.scalar(select(orders.c.status).where(orders.c.id == order_id)))

    async def payment_status(self, order_id: UUID) -> str:
        """The order's payment status as stored."""
        stmt = select(payments.c.status).where(payments.c.order_id == order_id)
        return str(await self.scalar(stmt))

    async def count(self, table: Table, *conditions: ColumnElement[bool]) -> int:
        """How many rows of the table match every condition."""
        stmt = select(func.count()).select_from(table).where(*conditions)
        return int(await self.scalar(stmt))

    async def confirmations(self) -> int:
        """Order confirmation emails queued in the outbox."""
        return await self.count(outbox, outbox.c.kind == "order_confirmation")


def succeeded_event(intent: PaymentIntentView, event_id: str | None = None) -> PaymentEvent:
    """A `payment_intent.succeeded` event for exactly the intent's amount and currency."""
    return PaymentEvent(
        event_id=event_id or f"evt_{uuid4().hex}",
        type=PaymentEventType.SUCCEEDED.value,
        intent_id=intent.payment_intent_id,
        amount_cents=intent.amount_cents,
        currency=intent.currency,
    )
