"""What the API keys use cases return: a key's description, never its digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.apikeys import ApiKey


@dataclass(frozen=True)
class ApiKeyView:
    """A key as operators see it: name, prefix, scopes and dates (no secret, no hash)."""

    name: str
    prefix: str
    counters: tuple[str, ...]
    origins: tuple[str, ...]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_key(cls, key: ApiKey) -> ApiKeyView:
        """The view of a stored key."""
        return cls(
            key.name,
            key.prefix,
            key.counters,
            key.origins,
            key.created_at,
            key.last_used_at,
            key.revoked_at,
        )


@dataclass(frozen=True)
class CreatedApiKey:
    """A new key: its description, and the key itself, shown this once only."""

    view: ApiKeyView
    key: str = ""

    def __repr__(self) -> str:
        # Keeps the key out of logs and tracebacks that print the object.
        return f"CreatedApiKey(view={self.view!r}, key=<hidden>)"
