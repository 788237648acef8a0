"""The API keys context in memory: the keys' table and its repository."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from adapters.memory.registry import MemoryContextRepositories
from application.apikeys.ports import ApiKeyRepository
from domain.apikeys import ApiKey


@dataclass
class ApiKeysTables:
    """The API keys part of the in-memory store."""

    api_keys: dict[UUID, ApiKey] = field(default_factory=dict)


class MemoryApiKeyRepository:
    """Keys in a dict (ApiKey is frozen, so rows are shared, never mutated)."""

    def __init__(self, store: ApiKeysTables) -> None:
        self._store = store

    async def add(self, key: ApiKey) -> None:
        """Insert; a taken name or prefix is a bug in the caller, as the SQL unique index says."""
        if any(k.name == key.name or k.prefix == key.prefix for k in self._store.api_keys.values()):
            raise ValueError("duplicate API key name or prefix")
        self._store.api_keys[key.id] = key

    async def by_name(self, name: str) -> ApiKey | None:
        """The key of this name."""
        return next((k for k in self._store.api_keys.values() if k.name == name), None)

    async def by_prefix(self, prefix: str) -> ApiKey | None:
        """The key with this prefix."""
        return next((k for k in self._store.api_keys.values() if k.prefix == prefix), None)

    async def all(self) -> list[ApiKey]:
        """Every key by name."""
        return sorted(self._store.api_keys.values(), key=lambda k: k.name)

    async def save(self, key: ApiKey) -> None:
        """Replace the row."""
        self._store.api_keys[key.id] = key

    async def touch(self, key_id: UUID, now: datetime, before: datetime) -> None:
        """Write last_used_at unless it is recent."""
        key = self._store.api_keys.get(key_id)
        if key is not None and (key.last_used_at is None or key.last_used_at < before):
            self._store.api_keys[key_id] = replace(key, last_used_at=now)


class MemoryApiKeysRepositories(MemoryContextRepositories):
    """The API keys repository of a memory unit of work."""

    api_keys: ApiKeyRepository

    REPOSITORIES = {"api_keys": MemoryApiKeyRepository}
