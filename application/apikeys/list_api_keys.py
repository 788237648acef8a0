"""Use case: an operator lists the API keys."""

from __future__ import annotations

from application.apikeys.ports import ApiKeysUnitOfWork
from application.apikeys.views import ApiKeyView


class ListApiKeys:
    """Every key by name, revoked ones included, without secrets or hashes."""

    def __init__(self, uow: ApiKeysUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self) -> list[ApiKeyView]:
        """The keys."""
        async with self._uow as uow:
            keys = await uow.api_keys.all()
        return [ApiKeyView.from_key(k) for k in keys]
