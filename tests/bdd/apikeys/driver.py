"""What the API keys steps ask of a driver: the operator's create, list and revoke."""

from __future__ import annotations

from typing import Any

from application.apikeys.create_api_key import CreateApiKeyCommand
from application.apikeys.views import ApiKeyView, CreatedApiKey
from domain.errors import DomainError
from tests.bdd.shared.outcome import Outcome
from tests.bdd.shared.system import System
from tests.bdd.shared.use_case import refusal_of


def key_data(view: ApiKeyView) -> dict[str, Any]:
    """A key as `hexashop apikeys list` shows it."""
    return {
        "name": view.name,
        "prefix": view.prefix,
        "counters": list(view.counters),
        "origins": list(view.origins),
        "revoked": view.revoked_at is not None,
    }


class ApiKeysDriver:
    """The operator's key commands, run as the CLI runs them: the use cases of the system's
    container, on whichever store that system uses."""

    def __init__(self, system: System) -> None:
        self.system = system

    def _do(self, make: Any, shape: Any) -> Outcome:
        self.system.tick()
        try:
            result = self.system.run(make)
        except DomainError as error:
            return refusal_of(error)
        return Outcome(data=shape(result))

    def create(self, name: str, counters: tuple[str, ...], origins: tuple[str, ...]) -> Outcome:
        """Create a key; the outcome holds the key, shown this once."""
        command = CreateApiKeyCommand(name, counters, origins)

        def shape(created: CreatedApiKey) -> dict[str, Any]:
            return {**key_data(created.view), "key": created.key}

        return self._do(lambda: self.system.container.apikeys.create_api_key()(command), shape)

    def list_keys(self) -> Outcome:
        """Every key, as listed."""
        list_keys = self.system.container.apikeys.list_api_keys()
        return self._do(list_keys, lambda views: [key_data(v) for v in views])

    def revoke(self, name: str) -> Outcome:
        """Revoke the key of this name."""
        revoke = self.system.container.apikeys.revoke_api_key()
        return self._do(lambda: revoke(name), key_data)
