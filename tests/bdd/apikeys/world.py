"""What a scenario remembers about API keys: each key shown at creation, by name."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.bdd.apikeys.driver import ApiKeysDriver

# A well-formed key that was never issued: its prefix finds no row.
MADE_UP_KEY = "hxk_00000000_" + "x" * 32


@dataclass
class ApiKeysWorld:
    """The API keys part of one scenario's state."""

    driver: ApiKeysDriver
    keys: dict[str, str] = field(default_factory=dict)  # name -> the key shown once

    def key(self, name: str) -> str:
        """The key the operator was shown for this name."""
        assert name in self.keys, f'the scenario never created an API key "{name}"'
        return self.keys[name]
