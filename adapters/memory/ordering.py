"""The ordering context in memory: orders, payments and processed provider events, and what
a unit of work builds."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from adapters.memory.paging import keyset_page
from adapters.memory.registry import MemoryContextRepositories
from application.ordering.ports import (
    ORDER_SORT_VALUES,
    IdempotencyKeyTaken,
    OrderQuery,
    OrderRepository,
    PaymentRepository,
    ProcessedEvents,
)
from application.shared.paging import Page, SortValue
from domain.ordering import Order, OrderStatus
from domain.payments import Payment


@dataclass
class OrderingTables:
    """The ordering part of the in-memory store."""

    orders: dict[UUID, Order] = field(default_factory=dict)
    payments: dict[UUID, Payment] = field(default_factory=dict)
    processed_events: dict[str, tuple[str, str, datetime]] = field(default_factory=dict)


def _order_key(value: SortValue, order_id: UUID) -> tuple[SortValue, str]:
    # Ids break ties, compared as text like the SQL adapters' uuid order.
    return (value, str(order_id))


class MemoryOrderRepository:
    """Orders in a dict."""

    def __init__(self, store: OrderingTables) -> None:
        self._store = store

    async def get(self, order_id: UUID, for_update: bool = False) -> Order | None:
        """A copy (the memory unit of work is serialized, so no lock is needed)."""
        order = self._store.orders.get(order_id)
        return copy.deepcopy(order) if order else None

    async def get_by_idempotency_key(self, user_id: UUID, key: str) -> Order | None:
        """Find by the user's key."""
        for order in self._store.orders.values():
            if order.user_id == user_id and order.idempotency_key == key:
                return copy.deepcopy(order)
        return None

    async def add(self, order: Order) -> None:
        """Insert, refusing a duplicate key for the same user."""
        if order.idempotency_key is not None and await self.get_by_idempotency_key(
            order.user_id, order.idempotency_key
        ):
            raise IdempotencyKeyTaken()
        self._store.orders[order.id] = copy.deepcopy(order)

    async def update(self, order: Order) -> None:
        """Persist the mutable fields."""
        current = self._store.orders[order.id]
        current.status = order.status
        current.updated_at = order.updated_at
        current.payment_intent_id = order.payment_intent_id

    async def list(self, query: OrderQuery) -> Page[Order]:
        """Filter, sort, start after the cursor, slice."""
        items = list(self._store.orders.values())
        if query.user_id is not None:
            items = [o for o in items if o.user_id == query.user_id]
        if query.status is not None:
            items = [o for o in items if o.status is query.status]
        value = ORDER_SORT_VALUES[query.sort.field]
        items.sort(key=lambda o: _order_key(value(o), o.id), reverse=query.sort.descending)
        found = [copy.deepcopy(o) for o in items]
        return keyset_page(found, query.page, query.sort, value, _order_key)

    async def list_expired(self, now: datetime, limit: int) -> Sequence[Order]:
        """Pending orders past their deadline, oldest first."""
        expired = [
            o
            for o in self._store.orders.values()
            if o.status is OrderStatus.PENDING and o.expires_at <= now
        ]
        expired.sort(key=lambda o: (o.expires_at, str(o.id)))
        return [copy.deepcopy(o) for o in expired[:limit]]


class MemoryPaymentRepository:
    """Payments in a dict keyed by order id."""

    def __init__(self, store: OrderingTables) -> None:
        self._store = store

    async def get_for_order(self, order_id: UUID) -> Payment | None:
        """The order's payment."""
        payment = self._store.payments.get(order_id)
        return replace(payment) if payment else None

    async def get_by_intent(self, intent_id: str) -> Payment | None:
        """Find by intent id."""
        for payment in self._store.payments.values():
            if payment.intent_id == intent_id:
                return replace(payment)
        return None

    async def add(self, payment: Payment) -> None:
        """Insert."""
        self._store.payments[payment.order_id] = replace(payment)

    async def update(self, payment: Payment) -> None:
        """Persist status and updated_at, as the port says (the rest never changes)."""
        current = self._store.payments[payment.order_id]
        current.status = payment.status
        current.updated_at = payment.updated_at


class MemoryProcessedEvents:
    """Processed event ids in a dict."""

    def __init__(self, store: OrderingTables) -> None:
        self._store = store

    async def record(self, event_id: str, event_type: str, outcome: str, at: datetime) -> bool:
        """Insert unless present."""
        if event_id in self._store.processed_events:
            return False
        self._store.processed_events[event_id] = (event_type, outcome, at)
        return True


class MemoryOrderingRepositories(MemoryContextRepositories):
    """The ordering repositories of a memory unit of work (users and products are their
    contexts' own)."""

    orders: OrderRepository
    payments: PaymentRepository
    processed_events: ProcessedEvents

    REPOSITORIES = {
        "orders": MemoryOrderRepository,
        "payments": MemoryPaymentRepository,
        "processed_events": MemoryProcessedEvents,
    }
