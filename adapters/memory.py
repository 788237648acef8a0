"""In-memory adapters for every port: the fakes unit tests and the use-case driver run on.

They are held to the same contract tests as the SQL adapters. The unit of work serializes
transactions with a lock and restores a snapshot on rollback, so it behaves like a database
with serializable isolation.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import Self
from uuid import UUID

from application.pagination import Page
from application.ports import (
    LoginAttemptLog,
    MailDeliveryError,
    OneTimeTokenRepository,
    Outbox,
    RefreshTokenRepository,
    UserQuery,
    UserRepository,
)
from domain.accounts import OneTimeToken, RefreshToken, User
from domain.errors import EmailAlreadyRegistered
from domain.messages import EmailMessage, OutboxMessage, OutboxStatus


@dataclass
class MemoryStore:
    """The committed state shared by every in-memory unit of work."""

    users: dict[UUID, User] = field(default_factory=dict)
    one_time_tokens: dict[UUID, OneTimeToken] = field(default_factory=dict)
    refresh_tokens: dict[UUID, RefreshToken] = field(default_factory=dict)
    login_failures: dict[str, list[datetime]] = field(default_factory=dict)
    outbox: dict[UUID, OutboxMessage] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    _TABLES = ("users", "one_time_tokens", "refresh_tokens", "login_failures", "outbox")

    def snapshot(self) -> dict[str, object]:
        """A deep copy of every table, for rollback."""
        return {name: copy.deepcopy(getattr(self, name)) for name in self._TABLES}

    def restore(self, snap: dict[str, object]) -> None:
        """Put the tables back as they were at `snapshot()`."""
        for name, value in snap.items():
            setattr(self, name, value)


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
    """Failed logins in a dict of lists."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def record_failure(self, key: str, at: datetime) -> None:
        """Append a failure."""
        self._store.login_failures.setdefault(key, []).append(at)

    async def failures_since(self, key: str, since: datetime) -> list[datetime]:
        """Failures after `since`."""
        return [at for at in self._store.login_failures.get(key, []) if at > since]

    async def clear(self, key: str) -> None:
        """Forget the key."""
        self._store.login_failures.pop(key, None)


class MemoryOutbox:
    """Outbox messages in a dict."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def add(self, message: OutboxMessage) -> None:
        """Queue."""
        self._store.outbox[message.id] = replace(message)

    async def claim_due(self, now: datetime, limit: int) -> list[OutboxMessage]:
        """Due pending messages, oldest first."""
        due = [
            m
            for m in self._store.outbox.values()
            if m.status is OutboxStatus.PENDING and m.next_attempt_at <= now
        ]
        due.sort(key=lambda m: (m.created_at, str(m.id)))
        return [replace(m) for m in due[:limit]]

    async def update(self, message: OutboxMessage) -> None:
        """Overwrite the bookkeeping."""
        self._store.outbox[message.id] = replace(message)

    async def get(self, message_id: UUID) -> OutboxMessage | None:
        """One message."""
        message = self._store.outbox.get(message_id)
        return replace(message) if message else None


class MemoryUnitOfWork:
    """A serializable transaction over the in-memory store."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.users: UserRepository = MemoryUserRepository(store)
        self.one_time_tokens: OneTimeTokenRepository = MemoryOneTimeTokenRepository(store)
        self.refresh_tokens: RefreshTokenRepository = MemoryRefreshTokenRepository(store)
        self.login_attempts: LoginAttemptLog = MemoryLoginAttemptLog(store)
        self.outbox: Outbox = MemoryOutbox(store)
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
        self.sent.append(message)
        self._counter += 1
        return f"recorded-{self._counter}"

    async def check(self) -> None:
        """Fail while down."""
        if self.down:
            raise MailDeliveryError("recording mailer is down")
