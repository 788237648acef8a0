"""Ports: what the use cases need from the outside world, as Protocols adapters satisfy by shape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

from application.pagination import Page, PageRequest, Sort
from domain.accounts import AccessClaims, OneTimeToken, RefreshToken, Role, User
from domain.messages import EmailMessage, OutboxMessage

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
    """Remembers failed logins per throttle key, for the login rate limit."""

    async def record_failure(self, key: str, at: datetime) -> None:
        """Remember one failed attempt."""
        ...

    async def failures_since(self, key: str, since: datetime) -> list[datetime]:
        """When the failures under this key since `since` happened."""
        ...

    async def clear(self, key: str) -> None:
        """Forget the failures under this key (after a successful login)."""
        ...


class Outbox(Protocol):
    """Emails waiting to be delivered; written in the same transaction as their cause."""

    async def add(self, message: OutboxMessage) -> None:
        """Queue a message."""
        ...

    async def claim_due(self, now: datetime, limit: int) -> list[OutboxMessage]:
        """Pending messages whose next attempt is due, oldest first. On Postgres the rows are
        locked with SKIP LOCKED so concurrent dispatchers never send one twice."""
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
