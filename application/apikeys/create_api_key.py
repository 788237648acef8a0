"""Use case: an operator creates an API key, shown once."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

from application.apikeys.ports import ApiKeysUnitOfWork, KeyMaterial
from application.apikeys.views import ApiKeyView, CreatedApiKey
from application.shared.ports import Clock
from domain.apikeys import ApiKey, compose_key
from domain.errors import ApiKeyNameTaken

# A new prefix that collides with a stored one is drawn again; 2**32 prefixes make a second
# collision in a row vanishingly rare, so a few tries are plenty.
_PREFIX_TRIES = 5


@dataclass(frozen=True)
class CreateApiKeyCommand:
    """A key's name and scopes (no counters: every counter; no origins: any caller)."""

    name: str
    counters: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()


class CreateApiKey:
    """Make a key, store its SHA-256, and return the key this once."""

    def __init__(self, uow: ApiKeysUnitOfWork, material: KeyMaterial, clock: Clock) -> None:
        self._uow = uow
        self._material = material
        self._clock = clock

    async def __call__(self, command: CreateApiKeyCommand) -> CreatedApiKey:
        """The new key, or ValidationFailed (name, counters, origins) or ApiKeyNameTaken."""
        async with self._uow as uow:
            if await uow.api_keys.by_name(command.name) is not None:
                raise ApiKeyNameTaken()
            for _ in range(_PREFIX_TRIES):
                prefix = self._material.prefix()
                if await uow.api_keys.by_prefix(prefix) is None:
                    break
            else:
                raise RuntimeError("no free key prefix after several tries")
            key = compose_key(prefix, self._material.secret())
            row = ApiKey.create(
                uuid4(), command.name, key, command.counters, command.origins, self._clock.now()
            )
            await uow.api_keys.add(row)
            await uow.commit()
        return CreatedApiKey(ApiKeyView.from_key(row), key)
