"""Use case: an operator revokes an API key."""

from __future__ import annotations

from application.apikeys.ports import ApiKeysUnitOfWork
from application.apikeys.views import ApiKeyView
from application.shared.ports import Clock
from domain.errors import ApiKeyNotFound


class RevokeApiKey:
    """Refuse a key from now on (its row stays, so `apikeys list` shows when)."""

    def __init__(self, uow: ApiKeysUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, name: str) -> ApiKeyView:
        """The revoked key, or ApiKeyNotFound."""
        async with self._uow as uow:
            key = await uow.api_keys.by_name(name)
            if key is None:
                raise ApiKeyNotFound()
            revoked = key.revoke(self._clock.now())
            await uow.api_keys.save(revoked)
            await uow.commit()
        return ApiKeyView.from_key(revoked)
