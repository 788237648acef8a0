"""Accounts ports: users, tokens, the login throttle, hashing and signing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.shared.paging import Page, PageRequest, Sort, SortShape, SortValue
from application.shared.ports import Transaction
from domain.accounts import AccessClaims, OneTimeToken, RefreshToken, Role, TokenPurpose, User


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
# The value a user sorts by, per sort field: what a page's next cursor carries. A missing name
# sorts as empty; the adapters compare names case-insensitively (SQL's
# lower(coalesce(name, ''))), applying the same folding to a cursor's value.
USER_SORT_VALUES: Mapping[str, Callable[[User], SortValue]] = {
    "createdAt": lambda user: user.created_at,
    "email": lambda user: user.email,
    "name": lambda user: user.name or "",
}
USER_SORT_SHAPES: Mapping[str, SortShape] = {"createdAt": datetime, "email": str, "name": str}


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


class AccountsUnitOfWork(Transaction, Protocol):
    """One transaction over the accounts repositories."""

    users: UserRepository
    one_time_tokens: OneTimeTokenRepository
    refresh_tokens: RefreshTokenRepository
    login_attempts: LoginAttemptLog
