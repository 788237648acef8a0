"""Ordering ports: orders, payments, processed provider events and the payment provider."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.accounts.ports import UserRepository
from application.catalog.ports import ProductRepository
from application.shared.paging import Page, PageRequest, Sort, SortShape, SortValue
from application.shared.ports import Transaction
from domain.ordering import Order, OrderStatus
from domain.payments import Payment, PaymentEvent

ORDER_SORT_FIELDS = ("createdAt", "totalCents")
# The value an order sorts by, per sort field: what a page's next cursor carries.
ORDER_SORT_VALUES: Mapping[str, Callable[[Order], SortValue]] = {
    "createdAt": lambda order: order.created_at,
    "totalCents": lambda order: order.total_cents,
}
ORDER_SORT_SHAPES: Mapping[str, SortShape] = {"createdAt": datetime, "totalCents": int}


@dataclass(frozen=True)
class OrderQuery:
    """Filters for order lists; `user_id` None means every user's orders (admins)."""

    user_id: UUID | None = None
    status: OrderStatus | None = None
    sort: Sort = Sort("createdAt", descending=True)  # noqa: RUF009 - frozen, immutable default
    page: PageRequest = PageRequest()  # noqa: RUF009 - frozen, immutable default


class IdempotencyKeyTaken(Exception):
    """An order with this user's idempotency key already exists (raised by OrderRepository.add)."""


class OrderRepository(Protocol):
    """Stores orders with their lines."""

    async def get(self, order_id: UUID, for_update: bool = False) -> Order | None:
        """The order with its lines. With for_update, the row is locked until the transaction
        ends (Postgres `FOR UPDATE`), so two status changes can't both start from one state."""
        ...

    async def get_by_idempotency_key(self, user_id: UUID, key: str) -> Order | None:
        """The order this user placed with this Idempotency-Key, if any."""
        ...

    async def add(self, order: Order) -> None:
        """Insert the order and its lines; raise IdempotencyKeyTaken on a duplicate key."""
        ...

    async def update(self, order: Order) -> None:
        """Persist status, updated_at and payment_intent_id (lines never change)."""
        ...

    async def list(self, query: OrderQuery) -> Page[Order]:
        """One page of orders with their lines, in a fixed number of statements."""
        ...

    async def list_expired(self, now: datetime, limit: int) -> Sequence[Order]:
        """Pending orders whose deadline has passed, oldest first; on Postgres locked with
        SKIP LOCKED so two expiry runs never cancel the same order twice."""
        ...


class PaymentRepository(Protocol):
    """Stores the payment intent of each order."""

    async def get_for_order(self, order_id: UUID) -> Payment | None:
        """The order's payment, if one was started."""
        ...

    async def get_by_intent(self, intent_id: str) -> Payment | None:
        """The payment with this provider intent id."""
        ...

    async def add(self, payment: Payment) -> None:
        """Insert (one per order)."""
        ...

    async def update(self, payment: Payment) -> None:
        """Persist status and updated_at."""
        ...


class ProcessedEvents(Protocol):
    """Provider event ids already handled, recorded in the same transaction as their effect."""

    async def record(self, event_id: str, event_type: str, outcome: str, at: datetime) -> bool:
        """Insert the id; False when it was already recorded (the event is a redelivery).

        Concurrent deliveries of one id: the second insert waits for the first transaction
        and then fails, so exactly one delivery applies its effect.
        """
        ...


@dataclass(frozen=True)
class CreatedIntent:
    """What the provider answered when asked for a payment intent."""

    intent_id: str
    client_secret: str
    amount_cents: int
    currency: str


class PaymentGatewayError(Exception):
    """The payment provider refused or could not be reached."""


class PaymentGateway(Protocol):
    """A payment provider: Stripe, or the local sandbox."""

    @property
    def name(self) -> str:
        """The provider's name as shown to clients (`stripe`, `sandbox`)."""
        ...

    async def create_intent(
        self, order_id: UUID, amount_cents: int, currency: str, idempotency_key: str
    ) -> CreatedIntent:
        """Create (or, for a repeated idempotency key, get back) a payment intent."""
        ...

    async def refund(self, intent_id: str, amount_cents: int, idempotency_key: str) -> str:
        """Refund the intent's payment; returns the provider's refund id."""
        ...

    def parse_event(self, payload: bytes, signature: str | None) -> PaymentEvent:
        """Verify a webhook's signature and parse it; raise InvalidWebhookSignature."""
        ...


class OrderingUnitOfWork(Transaction, Protocol):
    """One transaction over orders, payments and the users and products they name."""

    users: UserRepository
    products: ProductRepository
    orders: OrderRepository
    payments: PaymentRepository
    processed_events: ProcessedEvents
