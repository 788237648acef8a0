"""Count the SQL statements an engine sends, to prove list queries have no N+1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event

from tests.support.databases import UnitOfWorkFactory


@dataclass
class StatementCounter:
    """How many statements went to the database, and which."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many statements were executed."""
        return len(self.statements)


@contextmanager
def count_statements(factory: UnitOfWorkFactory) -> Iterator[StatementCounter]:
    """Count every statement the factory's engine executes inside the block."""
    if factory.engine is None:
        raise ValueError(f"the {factory.backend} backend has no SQL engine to watch")
    engine = factory.engine.sync_engine
    counter = StatementCounter()

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
