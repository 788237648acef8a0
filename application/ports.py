"""Ports: what the use cases need from the outside world, as Protocols adapters satisfy by shape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

from application.pagination import Page, PageRequest, Sort
from domain.accounts import AccessClaims, OneTimeToken, RefreshToken, Role, TokenPurpose, User
from domain.catalog import Product
from domain.messages import EmailMessage, OutboxMessage
from domain.ordering import Order, OrderStatus
from domain.payments import Payment, PaymentEvent

# --- persistence ----------------------------------------------------------------------------


@dataclass(frozen=True)
class UserQuery:
    """Filters for the admin user list. `search` matches email or name, case-insensitively."""

    search: str | None = None
    role: Role | None = None
    active: bool | None = None
    # Frozen values, so one shared default instance is safe.
    sort: Sort = Sort("createdAt", descending=False)  # noqa: RUF009
    page: PageRequest = PageRequest()  # noqa: RUF009


USER_SORT_FIELDS = ("createdAt", "email", "name")


class UserRepository(Protocol):
    """Stores users. Emails are stored lower-cased, unique."""

    async def get(self, user_id: UUID) -> User | None:
        """The user with this id, if any."""
        ...

    async def get_by_email(self, email: str) -> User | None:
        """The user with this (already normalized) email, if any."""
        ...

    async def add(self, user: User) -> None:
        """Insert a new user. A duplicate email raises EmailAlreadyRegistered."""
        ...

    async def update(self, user: User) -> None:
        """Persist every field of an existing user; a duplicate email raises
        EmailAlreadyRegistered."""
        ...

    async def delete(self, user_id: UUID) -> None:
        """Remove the user and everything that belongs only to them (tokens)."""
        ...

    async def list(self, query: UserQuery) -> Page[User]:
        """One page of users matching the query."""
        ...

    async def count_active_admins(self) -> int:
        """How many active admins exist. Locks them on databases that can, so two concurrent
        demotions cannot both pass the last-admin rule."""
        ...


class OneTimeTokenRepository(Protocol):
    """Stores hashed verification and reset tokens."""

    async def add(self, token: OneTimeToken) -> None:
        """Insert a token."""
        ...

    async def get_by_hash(self, token_hash: str) -> OneTimeToken | None:
        """The token with this hash, if any."""
        ...

    async def mark_used(self, token_id: UUID, now: datetime) -> bool:
        """Atomically mark an unused token used; False if it was already used (a race lost)."""
        ...

    async def spend_all(self, user_id: UUID, purpose: TokenPurpose, now: datetime) -> None:
        """Mark every still unused token of the user for this purpose used."""
        ...


class RefreshTokenRepository(Protocol):
    """Stores hashed refresh tokens grouped into login families."""

    async def add(self, token: RefreshToken) -> None:
        """Insert a token."""
        ...

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        """The token with this hash, if any."""
        ...

    async def claim_for_rotation(self, token_id: UUID, now: datetime) -> bool:
        """Atomically mark a usable token rotated. False when it was already rotated or
        revoked, so of many concurrent claims exactly one wins."""
        ...

    async def revoke_family(self, family_id: UUID, now: datetime) -> None:
        """Revoke every token of one login."""
        ...

    async def revoke_all_for_user(
        self, user_id: UUID, now: datetime, except_family: UUID | None = None
    ) -> None:
        """Revoke every token of the user, optionally sparing one login."""
        ...


class LoginAttemptLog(Protocol):
    """Remembers attempts per throttle key, for the login, password and email rate limits.

    An attempt is reserved (`try_reserve`) before the slow or costly work it guards, so that
    concurrent requests can't all pass one count; a reserved attempt that turns out to be a
    failure simply stays, one that succeeds is released or its key cleared.
    """

    async def try_reserve(self, key: str, at: datetime, since: datetime, limit: int) -> int | None:
        """Record an attempt at `at` and return its id, unless `limit` attempts under the key
        are already counted after `since`: then record nothing and return None.

        Atomic per key: concurrent reservations of one key are serialized (the write lock on
        SQLite, a transaction-scoped lock on the key on Postgres) until the transaction
        ends, so of any burst at most `limit` succeed. Attempts older than `since` may be
        forgotten on the way.
        """
        ...

    async def release(self, attempt_id: int) -> None:
        """Forget one reserved attempt (the work it guarded succeeded or never ran)."""
        ...

    async def record_failure(self, key: str, at: datetime) -> None:
        """Remember one failed attempt."""
        ...

    async def failures_since(self, key: str, since: datetime) -> list[datetime]:
        """When the failures under this key since `since` happened, oldest first."""
        ...

    async def clear(self, key: str, up_to: int | None = None) -> None:
        """Forget the attempts under this key (after a successful login): all of them, or
        with `up_to` those recorded up to that attempt id, so attempts made meanwhile stay."""
        ...


@dataclass(frozen=True)
class OutboxCounts:
    """The outbox at a glance, for metrics."""

    due: int
    dead: int


class Outbox(Protocol):
    """Emails waiting to be delivered; written in the same transaction as their cause."""

    async def add(self, message: OutboxMessage) -> None:
        """Queue a message."""
        ...

    async def claim_due(
        self, now: datetime, limit: int, claim_token: UUID, lease_until: datetime
    ) -> list[OutboxMessage]:
        """Lease up to `limit` pending due messages to `claim_token` until `lease_until`,
        oldest first. A message leased to another claim is skipped until its lease expires;
        on Postgres locked rows are skipped (SKIP LOCKED), so concurrent claims never overlap."""
        ...

    async def record(self, message: OutboxMessage, claim_token: UUID) -> bool:
        """Persist the delivery bookkeeping and free the lease, only while the message is still
        leased to `claim_token`; whether it was (False: the lease expired and was re-claimed)."""
        ...

    async def counts(self, now: datetime) -> OutboxCounts:
        """How many messages are due now (the backlog) and how many are dead."""
        ...

    async def update(self, message: OutboxMessage) -> None:
        """Persist the delivery bookkeeping of a message."""
        ...

    async def get(self, message_id: UUID) -> OutboxMessage | None:
        """One message by id (for tests and operators)."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every repository. Leaving without commit() rolls back."""

    users: UserRepository
    one_time_tokens: OneTimeTokenRepository
    refresh_tokens: RefreshTokenRepository
    login_attempts: LoginAttemptLog
    outbox: Outbox
    products: ProductRepository
    orders: OrderRepository
    payments: PaymentRepository
    processed_events: ProcessedEvents

    async def __aenter__(self) -> Self:
        """Begin the transaction."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed and release the connection."""
        ...

    async def commit(self) -> None:
        """Make the work durable."""
        ...

    async def rollback(self) -> None:
        """Discard the work."""
        ...


# --- services ---------------------------------------------------------------------------------


class Clock(Protocol):
    """The current time, as an aware UTC datetime."""

    def now(self) -> datetime:
        """Now."""
        ...


class PasswordHasher(Protocol):
    """Slow, salted password hashing (argon2id). Runs off the event loop."""

    async def hash(self, password: str) -> str:
        """Hash a password for storage."""
        ...

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """True when the password matches. With None, verifies against a dummy hash and returns
        False, so an unknown email costs the same time as a wrong password."""
        ...


class SecretTokens(Protocol):
    """Random opaque tokens (>= 128 bits) and the hash they are stored under."""

    def generate(self) -> str:
        """A new random token, URL-safe."""
        ...

    def hash(self, token: str) -> str:
        """The stored form of a token (SHA-256 hex)."""
        ...


class AccessTokens(Protocol):
    """Signed, short-lived access tokens (JWT)."""

    @property
    def ttl_seconds(self) -> int:
        """How long an access token lives."""
        ...

    def issue(self, user: User, session_id: UUID, now: datetime) -> str:
        """A signed access token for the user."""
        ...

    def decode(self, token: str, now: datetime) -> AccessClaims:
        """Verify signature, algorithm, type and expiry; raise InvalidAccessToken otherwise."""
        ...


class Mailer(Protocol):
    """Hands an email to a transport; returns the provider's message id."""

    async def send(self, message: EmailMessage) -> str:
        """Send, or raise MailDeliveryError."""
        ...

    async def check(self) -> None:
        """Raise if the transport cannot be reached (readiness)."""
        ...


class MailDeliveryError(Exception):
    """The mail transport refused or could not be reached."""


# --- catalog ----------------------------------------------------------------------------------

PRODUCT_SORT_FIELDS = ("name", "priceCents", "createdAt")


@dataclass(frozen=True)
class ProductQuery:
    """Filters for the product list. `search` matches name or description, case-insensitively."""

    search: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool | None = None
    include_inactive: bool = False
    sort: Sort = Sort("createdAt")  # noqa: RUF009 - frozen, immutable default
    page: PageRequest = PageRequest()  # noqa: RUF009 - frozen, immutable default


class ProductRepository(Protocol):
    """Stores products. Stock only ever changes through `try_adjust_stock`."""

    async def get(self, product_id: UUID) -> Product | None:
        """The product, if any."""
        ...

    async def get_many(self, product_ids: Sequence[UUID]) -> dict[UUID, Product]:
        """The products among these ids that exist, in one query."""
        ...

    async def add(self, product: Product) -> None:
        """Insert a new product."""
        ...

    async def update(self, product: Product) -> None:
        """Persist every field except `stock` (so an edit never undoes a reservation)."""
        ...

    async def delete(self, product_id: UUID) -> None:
        """Remove the product."""
        ...

    async def list(self, query: ProductQuery) -> Page[Product]:
        """One page of products; a fixed number of statements whatever the page size."""
        ...

    async def try_adjust_stock(self, product_id: UUID, delta: int) -> int | None:
        """Atomically add `delta` (may be negative) unless stock would go below zero.

        One conditional UPDATE (`stock + delta >= 0`), so concurrent reservations can never
        oversell. Returns the new stock, or None when refused or the product is missing.
        """
        ...

    async def is_ordered(self, product_id: UUID) -> bool:
        """True when any order has a line for this product."""
        ...


# --- ordering ---------------------------------------------------------------------------------

ORDER_SORT_FIELDS = ("createdAt", "totalCents")


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


# --- payment provider -------------------------------------------------------------------------


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
