"""API keys ports: the keys' rows, the random parts of new keys, and the unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.shared.ports import Transaction
from domain.apikeys import ApiKey


class ApiKeyRepository(Protocol):
    """The keys' rows; names and prefixes are unique."""

    async def add(self, key: ApiKey) -> None:
        """Insert a new key's row (the caller checked that the name is free)."""
        ...

    async def by_name(self, name: str) -> ApiKey | None:
        """The key of this name, revoked or not."""
        ...

    async def by_prefix(self, prefix: str) -> ApiKey | None:
        """The key with this prefix, revoked or not."""
        ...

    async def all(self) -> list[ApiKey]:
        """Every key, ordered by name."""
        ...

    async def save(self, key: ApiKey) -> None:
        """Persist a changed key (revoked)."""
        ...

    async def touch(self, key_id: UUID, now: datetime, before: datetime) -> None:
        """Set last_used_at to `now` unless it is already at or after `before` (a no-op
        then, so concurrent uses write it once)."""
        ...


class KeyMaterial(Protocol):
    """The random parts of a new key, from the OS CSPRNG."""

    def prefix(self) -> str:
        """8 lower-case hex digits (32 bits: only finds the row, not the secret)."""
        ...

    def secret(self) -> str:
        """URL-safe text of at least 128 random bits."""
        ...


class ApiKeysUnitOfWork(Transaction, Protocol):
    """One transaction over the API keys."""

    api_keys: ApiKeyRepository
