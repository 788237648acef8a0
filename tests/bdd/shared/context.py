"""How a bounded context plugs into the specs, and the World its parts make up."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tests.bdd.shared.outcome import Outcome
from tests.bdd.shared.system import System


@dataclass(frozen=True)
class Context:
    """One context's share of the specs: its driver per way in, its World part, its steps.

    `name` is its folder under features/ and the name of the fixture its steps ask for to
    get its part of the World.
    """

    name: str
    drivers: Mapping[str, Callable[[Any], Any]]  # system kind -> driver built on that System
    part: Callable[[Any], Any]  # its World part, built from its driver
    steps: tuple[str, ...]  # modules holding its step definitions


class World:
    """What the steps of one scenario share: each context's part and the last outcome."""

    def __init__(self, system: System, parts: Mapping[str, Any]) -> None:
        self.system = system
        self._parts = dict(parts)
        self.last: Outcome | None = None

    def part(self, name: str) -> Any:
        """The part of the World a context keeps."""
        assert name in self._parts, f"no context {name!r} is registered"
        return self._parts[name]

    def record(self, outcome: Outcome) -> Outcome:
        """Remember the outcome the Then steps will check."""
        self.last = outcome
        return outcome

    def outcome(self) -> Outcome:
        """The outcome of the last action."""
        assert self.last is not None, "no action was taken yet"
        return self.last


def build_world(system: System, contexts: tuple[Context, ...]) -> World:
    """Give every context its driver on this system, then start the system and compose the World.

    Drivers are built first because their constructors override container providers,
    which the HTTP app must see when it is built.
    """
    drivers = {context.name: context.drivers[system.kind](system) for context in contexts}
    system.start()
    return World(system, {c.name: c.part(drivers[c.name]) for c in contexts})
