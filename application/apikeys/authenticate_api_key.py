"""Use case: check the API key a machine client sent, and what it may reach."""

from __future__ import annotations

from application.apikeys.ports import ApiKeysUnitOfWork
from application.shared.ports import Clock
from domain.apikeys import TOUCH_INTERVAL, ApiKey, key_prefix, refuse_key


class AuthenticateApiKey:
    """The active key matching what was sent, or InvalidApiKey (401) for any other text.

    The row is found by prefix and the digest compared in constant time. last_used_at is
    written at most once a minute per key, in its own short transaction after the read.
    """

    def __init__(
        self, read_uow: ApiKeysUnitOfWork, write_uow: ApiKeysUnitOfWork, clock: Clock
    ) -> None:
        self._read_uow = read_uow
        self._write_uow = write_uow
        self._clock = clock

    async def __call__(self, sent: str | None) -> ApiKey:
        """The key (callers then `authorize` it for a counter and origin)."""
        prefix = key_prefix(sent) if sent else None
        if sent is None or prefix is None:
            raise refuse_key()
        async with self._read_uow as uow:
            key = await uow.api_keys.by_prefix(prefix)
        if key is None or not key.matches(sent):
            raise refuse_key()
        now = self._clock.now()
        if key.needs_touch(now):
            async with self._write_uow as uow:
                await uow.api_keys.touch(key.id, now, before=now - TOUCH_INTERVAL)
                await uow.commit()
        return key
