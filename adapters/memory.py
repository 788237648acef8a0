"""In-memory adapters for every port: the fakes unit tests and the use-case driver run on.

They are held to the same contract tests as the SQL adapters. The unit of work serializes
transactions with a lock and restores a snapshot on rollback, so it behaves like a database
with serializable isolation.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import Self, TypeVar
from uuid import UUID

from application.accounts.ports import (
    LoginAttemptLog,
    OneTimeTokenRepository,
    RefreshTokenRepository,
    UserQuery,
    UserRepository,
)
from application.catalog.ports import ProductQuery, ProductRepository
from application.messaging.ports import MailDeliveryError
from application.ordering.ports import (
    IdempotencyKeyTaken,
    OrderQuery,
    OrderRepository,
    PaymentRepository,
    ProcessedEvents,
)
from application.shared.paging import Page, PageRequest
from application.shared.ports import Outbox, OutboxCounts
from domain.accounts import OneTimeToken, RefreshToken, TokenPurpose, User, is_bare_email
from domain.catalog import Product
from domain.errors import EmailAlreadyRegistered
from domain.messages import EmailMessage, OutboxMessage, OutboxStatus
from domain.ordering import Order, OrderStatus
from domain.payments import Payment


@dataclass
class MemoryStore:
    """The committed state shared by every in-memory unit of work."""

    users: dict[UUID, User] = field(default_factory=dict)
    one_time_tokens: dict[UUID, OneTimeToken] = field(default_factory=dict)
    refresh_tokens: dict[UUID, RefreshToken] = field(default_factory=dict)
    # key -> attempt id -> when
    login_failures: dict[str, dict[int, datetime]] = field(default_factory=dict)
    next_attempt_id: list[int] = field(default_factory=lambda: [0])
    outbox: dict[UUID, OutboxMessage] = field(default_factory=dict)
    # message id -> (claim token, lease end), the SQL table's claim_token and lease_until.
    outbox_leases: dict[UUID, tuple[UUID, datetime]] = field(default_factory=dict)
    products: dict[UUID, Product] = field(default_factory=dict)
    orders: dict[UUID, Order] = field(default_factory=dict)
    payments: dict[UUID, Payment] = field(default_factory=dict)
    processed_events: dict[str, tuple[str, str, datetime]] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    _TABLES = (
        "users",
        "one_time_tokens",
        "refresh_tokens",
        "login_failures",
        "next_attempt_id",
        "outbox",
        "outbox_leases",
        "products",
        "orders",
        "payments",
        "processed_events",
    )

    def snapshot(self) -> dict[str, object]:
        """A deep copy of every table, for rollback."""
        return {name: copy.deepcopy(getattr(self, name)) for name in self._TABLES}

    def restore(self, snap: dict[str, object]) -> None:
        """Put the tables back as they were at `snapshot()`."""
        for name, value in snap.items():
            setattr(self, name, value)


T = TypeVar("T")


def _sort_value(user: User, name: str) -> object:
    return {"createdAt": user.created_at, "email": user.email, "name": (user.name or "").lower()}[
        name
    ]


class MemoryUserRepository:
    """Users in a dict."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def get(self, user_id: UUID) -> User | None:
        """The user, as a copy: changes count only through update()."""
        user = self._store.users.get(user_id)
        return replace(user) if user else None

    async def get_by_email(self, email: str) -> User | None:
        """The user with this email."""
        for user in self._store.users.values():
            if user.email == email:
                return replace(user)
        return None

    def _ensure_unique_email(self, user: User) -> None:
        for other in self._store.users.values():
            if other.email == user.email and other.id != user.id:
                raise EmailAlreadyRegistered()

    async def add(self, user: User) -> None:
        """Insert."""
        self._ensure_unique_email(user)
        self._store.users[user.id] = replace(user)

    async def update(self, user: User) -> None:
        """Overwrite."""
        self._ensure_unique_email(user)
        self._store.users[user.id] = replace(user)

    async def delete(self, user_id: UUID) -> None:
        """Remove the user and their tokens."""
        self._store.users.pop(user_id, None)
        for table in (self._store.one_time_tokens, self._store.refresh_tokens):
            for token_id in [t.id for t in table.values() if t.user_id == user_id]:
                del table[token_id]

    async def list(self, query: UserQuery) -> Page[User]:
        """Filter, sort and slice."""
        users = list(self._store.users.values())
        if query.search:
            needle = query.search.lower()
            users = [u for u in users if needle in u.email or needle in (u.name or "").lower()]
        if query.role is not None:
            users = [u for u in users if u.role is query.role]
        if query.active is not None:
            users = [u for u in users if u.active is query.active]
        users.sort(key=lambda u: u.created_at)  # stable tie-break, like the SQL adapter's id order
        users.sort(
            key=lambda u: (_sort_value(u, query.sort.field), str(u.id)),
            reverse=query.sort.descending,
        )
        start = query.page.offset
        items = [replace(u) for u in users[start : start + query.page.limit]]
        return Page(items=items, page=query.page.page, limit=query.page.limit, total=len(users))

    async def count_active_admins(self) -> int:
        """Count active admins."""
        return sum(1 for u in self._store.users.values() if u.is_active_admin)


class MemoryOneTimeTokenRepository:
    """One-time tokens in a dict."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def add(self, token: OneTimeToken) -> None:
        """Insert."""
        self._store.one_time_tokens[token.id] = replace(token)

    async def get_by_hash(self, token_hash: str) -> OneTimeToken | None:
        """Find by hash."""
        for token in self._store.one_time_tokens.values():
            if token.token_hash == token_hash:
                return replace(token)
        return None

    async def mark_used(self, token_id: UUID, now: datetime) -> bool:
        """Mark used unless already used."""
        token = self._store.one_time_tokens.get(token_id)
        if token is None or token.used_at is not None:
            return False
        token.used_at = now
        return True

    async def spend_all(self, user_id: UUID, purpose: TokenPurpose, now: datetime) -> None:
        """Mark the user's unused tokens for the purpose used."""
        for token in self._store.one_time_tokens.values():
            if token.user_id == user_id and token.purpose is purpose and token.used_at is None:
                token.used_at = now


class MemoryRefreshTokenRepository:
    """Refresh tokens in a dict."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def add(self, token: RefreshToken) -> None:
        """Insert."""
        self._store.refresh_tokens[token.id] = replace(token)

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        """Find by hash."""
        for token in self._store.refresh_tokens.values():
            if token.token_hash == token_hash:
                return replace(token)
        return None

    async def claim_for_rotation(self, token_id: UUID, now: datetime) -> bool:
        """Mark rotated unless already rotated or revoked."""
        token = self._store.refresh_tokens.get(token_id)
        if token is None or token.rotated_at is not None or token.revoked_at is not None:
            return False
        token.rotated_at = now
        return True

    async def revoke_family(self, family_id: UUID, now: datetime) -> None:
        """Revoke one login's tokens."""
        for token in self._store.refresh_tokens.values():
            if token.family_id == family_id and token.revoked_at is None:
                token.revoked_at = now

    async def revoke_all_for_user(
        self, user_id: UUID, now: datetime, except_family: UUID | None = None
    ) -> None:
        """Revoke the user's tokens, sparing one family if asked."""
        for token in self._store.refresh_tokens.values():
            if (
                token.user_id == user_id
                and token.family_id != except_family
                and token.revoked_at is None
            ):
                token.revoked_at = now


class MemoryLoginAttemptLog:
    """Attempts in a dict per key (the unit of work serializes, so reserving is atomic)."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def _add(self, key: str, at: datetime) -> int:
        self._store.next_attempt_id[0] += 1
        attempt_id = self._store.next_attempt_id[0]
        self._store.login_failures.setdefault(key, {})[attempt_id] = at
        return attempt_id

    async def record_failure(self, key: str, at: datetime) -> None:
        """Append a failure."""
        self._add(key, at)

    async def try_reserve(self, key: str, at: datetime, since: datetime, limit: int) -> int | None:
        """Count, then add, under the store lock the unit of work holds."""
        attempts = self._store.login_failures.get(key, {})
        if sum(1 for when in attempts.values() if when > since) >= limit:
            return None
        return self._add(key, at)

    async def release(self, attempt_id: int) -> None:
        """Forget one attempt."""
        for attempts in self._store.login_failures.values():
            attempts.pop(attempt_id, None)

    async def failures_since(self, key: str, since: datetime) -> list[datetime]:
        """Failures after `since`, oldest first."""
        return sorted(at for at in self._store.login_failures.get(key, {}).values() if at > since)

    async def clear(self, key: str, up_to: int | None = None) -> None:
        """Forget the key's attempts, or those up to an id."""
        if up_to is None:
            self._store.login_failures.pop(key, None)
            return
        attempts = self._store.login_failures.get(key, {})
        for attempt_id in [i for i in attempts if i <= up_to]:
            del attempts[attempt_id]


class MemoryOutbox:
    """Outbox messages in a dict."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def add(self, message: OutboxMessage) -> None:
        """Queue."""
        self._store.outbox[message.id] = replace(message)

    async def claim_due(
        self, now: datetime, limit: int, claim_token: UUID, lease_until: datetime
    ) -> list[OutboxMessage]:
        """Lease the due pending messages with a free or expired lease, oldest first."""
        leases = self._store.outbox_leases
        due = [
            m
            for m in self._store.outbox.values()
            if m.status is OutboxStatus.PENDING
            and m.next_attempt_at <= now
            and (m.id not in leases or leases[m.id][1] <= now)
        ]
        due.sort(key=lambda m: (m.created_at, str(m.id)))
        claimed = due[:limit]
        for m in claimed:
            leases[m.id] = (claim_token, lease_until)
        return [replace(m) for m in claimed]

    async def record(self, message: OutboxMessage, claim_token: UUID) -> bool:
        """Overwrite the bookkeeping and free the lease, if the lease is still this claim's."""
        lease = self._store.outbox_leases.get(message.id)
        if lease is None or lease[0] != claim_token:
            return False
        del self._store.outbox_leases[message.id]
        self._store.outbox[message.id] = replace(message)
        return True

    async def counts(self, now: datetime) -> OutboxCounts:
        """Due and dead messages."""
        messages = self._store.outbox.values()
        return OutboxCounts(
            due=sum(
                m.status is OutboxStatus.PENDING and m.next_attempt_at <= now for m in messages
            ),
            dead=sum(m.status is OutboxStatus.DEAD for m in messages),
        )

    async def update(self, message: OutboxMessage) -> None:
        """Overwrite the bookkeeping."""
        self._store.outbox[message.id] = replace(message)

    async def get(self, message_id: UUID) -> OutboxMessage | None:
        """One message."""
        message = self._store.outbox.get(message_id)
        return replace(message) if message else None


def _page(items: list[T], page_request: PageRequest) -> Page[T]:
    start = page_request.offset
    return Page(
        items=items[start : start + page_request.limit],
        page=page_request.page,
        limit=page_request.limit,
        total=len(items),
    )


_PRODUCT_SORT = {
    "name": lambda p: (p.name.lower(), str(p.id)),
    "priceCents": lambda p: (p.price_cents, str(p.id)),
    "createdAt": lambda p: (p.created_at, str(p.id)),
}


class MemoryProductRepository:
    """Products in a dict."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def get(self, product_id: UUID) -> Product | None:
        """A copy of the product."""
        product = self._store.products.get(product_id)
        return copy.deepcopy(product) if product else None

    async def get_many(self, product_ids: Sequence[UUID]) -> dict[UUID, Product]:
        """Copies of the products that exist."""
        return {
            pid: copy.deepcopy(self._store.products[pid])
            for pid in product_ids
            if pid in self._store.products
        }

    async def add(self, product: Product) -> None:
        """Insert."""
        self._store.products[product.id] = copy.deepcopy(product)

    async def update(self, product: Product) -> None:
        """Overwrite everything but the stock."""
        current = self._store.products[product.id]
        updated = copy.deepcopy(product)
        updated.stock = current.stock
        self._store.products[product.id] = updated

    async def delete(self, product_id: UUID) -> None:
        """Remove."""
        self._store.products.pop(product_id, None)

    async def list(self, query: ProductQuery) -> Page[Product]:
        """Filter, sort, slice."""
        items = list(self._store.products.values())
        if not query.include_inactive:
            items = [p for p in items if p.active]
        if query.search:
            needle = query.search.lower()
            items = [
                p for p in items if needle in p.name.lower() or needle in p.description.lower()
            ]
        if query.min_price is not None:
            items = [p for p in items if p.price_cents >= query.min_price]
        if query.max_price is not None:
            items = [p for p in items if p.price_cents <= query.max_price]
        if query.in_stock is not None:
            items = [p for p in items if (p.stock > 0) is query.in_stock]
        items.sort(key=_PRODUCT_SORT[query.sort.field], reverse=query.sort.descending)
        return _page([copy.deepcopy(p) for p in items], query.page)

    async def try_adjust_stock(self, product_id: UUID, delta: int) -> int | None:
        """Adjust unless below zero."""
        product = self._store.products.get(product_id)
        if product is None or product.stock + delta < 0:
            return None
        product.stock += delta
        return product.stock

    async def is_ordered(self, product_id: UUID) -> bool:
        """Any order line for it?"""
        return any(
            line.product_id == product_id
            for order in self._store.orders.values()
            for line in order.lines
        )


_ORDER_SORT = {
    "createdAt": lambda o: (o.created_at, str(o.id)),
    "totalCents": lambda o: (o.total_cents, str(o.id)),
}


class MemoryOrderRepository:
    """Orders in a dict."""

    def __init__(self, store: MemoryStore) -> None:
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
        """Filter, sort, slice."""
        items = list(self._store.orders.values())
        if query.user_id is not None:
            items = [o for o in items if o.user_id == query.user_id]
        if query.status is not None:
            items = [o for o in items if o.status is query.status]
        items.sort(key=_ORDER_SORT[query.sort.field], reverse=query.sort.descending)
        return _page([copy.deepcopy(o) for o in items], query.page)

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

    def __init__(self, store: MemoryStore) -> None:
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

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def record(self, event_id: str, event_type: str, outcome: str, at: datetime) -> bool:
        """Insert unless present."""
        if event_id in self._store.processed_events:
            return False
        self._store.processed_events[event_id] = (event_type, outcome, at)
        return True


class MemoryUnitOfWork:
    """A serializable transaction over the in-memory store."""

    def __init__(self, store: MemoryStore, read_only: bool = False) -> None:
        self._store = store
        self._read_only = read_only
        self.users: UserRepository = MemoryUserRepository(store)
        self.one_time_tokens: OneTimeTokenRepository = MemoryOneTimeTokenRepository(store)
        self.refresh_tokens: RefreshTokenRepository = MemoryRefreshTokenRepository(store)
        self.login_attempts: LoginAttemptLog = MemoryLoginAttemptLog(store)
        self.outbox: Outbox = MemoryOutbox(store)
        self.products: ProductRepository = MemoryProductRepository(store)
        self.orders: OrderRepository = MemoryOrderRepository(store)
        self.payments: PaymentRepository = MemoryPaymentRepository(store)
        self.processed_events: ProcessedEvents = MemoryProcessedEvents(store)
        self._snapshot: dict[str, object] | None = None
        self.committed = False

    async def __aenter__(self) -> Self:
        """Take the store lock and remember the state for rollback."""
        await self._store.lock.acquire()
        self._snapshot = self._store.snapshot()
        self.committed = False
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back anything uncommitted, release the lock."""
        try:
            await self.rollback()
        finally:
            self._snapshot = None
            self._store.lock.release()

    async def commit(self) -> None:
        """Keep the changes made so far."""
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        self._snapshot = self._store.snapshot()
        self.committed = True

    async def rollback(self) -> None:
        """Restore the state of the last commit or the transaction start."""
        if self._snapshot is not None:
            self._store.restore(self._snapshot)


class FastPasswordHasher:
    """A salted SHA-256 stand-in for argon2, so unit tests and specs stay in milliseconds.

    Not for production: the container only uses it when tests override the hasher.
    """

    _DUMMY = "fake$00$" + "0" * 64

    async def hash(self, password: str) -> str:
        """Hash with a fixed scheme marker so it can't be mistaken for argon2."""
        salt = hashlib.sha256(password.encode() + b"salt").hexdigest()[:8]
        return f"fake${salt}${hashlib.sha256((salt + password).encode()).hexdigest()}"

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Compare; None compares against a dummy and is always False."""
        stored = password_hash or self._DUMMY
        try:
            _, salt, digest = stored.split("$")
        except ValueError:
            return False
        ok = hashlib.sha256((salt + password).encode()).hexdigest() == digest
        return ok and password_hash is not None


class RecordingMailer:
    """Keeps sent emails in a list; can be switched off to simulate an outage."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.down = False
        self._counter = 0

    async def send(self, message: EmailMessage) -> str:
        """Record the message or fail while down."""
        if self.down:
            raise MailDeliveryError("recording mailer is down")
        # The same recipient rule as the real transports.
        if not is_bare_email(message.to):
            raise MailDeliveryError("refusing a recipient that is not a bare email address")
        self.sent.append(message)
        self._counter += 1
        return f"recorded-{self._counter}"

    async def check(self) -> None:
        """Fail while down."""
        if self.down:
            raise MailDeliveryError("recording mailer is down")
