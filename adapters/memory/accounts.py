"""The accounts context in memory: its tables, repositories, and what a unit of work builds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from adapters.memory.paging import keyset_page
from adapters.memory.registry import MemoryContextRepositories
from application.accounts.ports import (
    USER_SORT_VALUES,
    LoginAttemptLog,
    OneTimeTokenRepository,
    RefreshTokenRepository,
    UserQuery,
    UserRepository,
)
from application.shared.paging import Page, SortValue
from domain.accounts import OneTimeToken, RefreshToken, TokenPurpose, User
from domain.errors import EmailAlreadyRegistered


@dataclass
class AccountsTables:
    """The accounts part of the in-memory store."""

    users: dict[UUID, User] = field(default_factory=dict)
    one_time_tokens: dict[UUID, OneTimeToken] = field(default_factory=dict)
    refresh_tokens: dict[UUID, RefreshToken] = field(default_factory=dict)
    # key -> attempt id -> when
    login_failures: dict[str, dict[int, datetime]] = field(default_factory=dict)
    next_attempt_id: list[int] = field(default_factory=lambda: [0])


def _user_key(field: str) -> Callable[[SortValue, UUID], tuple[SortValue, str]]:
    """The sort key of a user's (or a cursor's) sort value: names case-insensitively, as
    lower(coalesce(name, '')) in SQL; ids break ties."""

    def key(value: SortValue, user_id: UUID) -> tuple[SortValue, str]:
        if field == "name" and isinstance(value, str):
            value = value.lower()
        return (value, str(user_id))

    return key


class MemoryUserRepository:
    """Users in a dict."""

    def __init__(self, store: AccountsTables) -> None:
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
        """Filter, sort, start after the cursor, slice."""
        users = list(self._store.users.values())
        if query.search:
            needle = query.search.lower()
            users = [u for u in users if needle in u.email or needle in (u.name or "").lower()]
        if query.role is not None:
            users = [u for u in users if u.role is query.role]
        if query.active is not None:
            users = [u for u in users if u.active is query.active]
        value, key = USER_SORT_VALUES[query.sort.field], _user_key(query.sort.field)
        users.sort(key=lambda u: key(value(u), u.id), reverse=query.sort.descending)
        return keyset_page([replace(u) for u in users], query.page, query.sort, value, key)

    async def count_active_admins(self) -> int:
        """Count active admins."""
        return sum(1 for u in self._store.users.values() if u.is_active_admin)


class MemoryOneTimeTokenRepository:
    """One-time tokens in a dict."""

    def __init__(self, store: AccountsTables) -> None:
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

    def __init__(self, store: AccountsTables) -> None:
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

    def __init__(self, store: AccountsTables) -> None:
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


class MemoryAccountsRepositories(MemoryContextRepositories):
    """The accounts repositories of a memory unit of work."""

    users: UserRepository
    one_time_tokens: OneTimeTokenRepository
    refresh_tokens: RefreshTokenRepository
    login_attempts: LoginAttemptLog

    REPOSITORIES = {
        "users": MemoryUserRepository,
        "one_time_tokens": MemoryOneTimeTokenRepository,
        "refresh_tokens": MemoryRefreshTokenRepository,
        "login_attempts": MemoryLoginAttemptLog,
    }
