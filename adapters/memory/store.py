"""The in-memory store: every registered context's tables, and their snapshots for rollback."""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass, field, fields

from adapters.contexts import MemoryTables


@dataclass
class MemoryStore(MemoryTables):
    """The committed state shared by every in-memory unit of work.

    Its fields are the contexts' tables (`adapters/contexts.py`), and every field is state
    that rolls back unless its metadata says `"state": False`: a new table can't be left out.
    """

    lock: asyncio.Lock = field(
        default_factory=asyncio.Lock, repr=False, compare=False, metadata={"state": False}
    )

    def snapshot(self) -> dict[str, object]:
        """A deep copy of every table, for rollback."""
        return {
            f.name: copy.deepcopy(getattr(self, f.name))
            for f in fields(self)
            if f.metadata.get("state", True)
        }

    def restore(self, snap: dict[str, object]) -> None:
        """Put the tables back as they were at `snapshot()`."""
        for name, value in snap.items():
            setattr(self, name, value)
