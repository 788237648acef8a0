"""Count the SQL statements an engine sends, to prove list queries have no N+1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event

from tests.support.databases import UnitOfWorkFactory


@dataclass
class StatementCounter:
    """How many statements went to the database, and which."""

    count: int = 0
    statements: list[str] | None = None

    def __post_init__(self) -> None:
        self.statements = []


@contextmanager
def count_statements(factory: UnitOfWorkFactory) -> Iterator[StatementCounter]:
    """Count every statement the factory's engine executes inside the block."""
    if factory.engine is None:
        raise ValueError(f"the {factory.backend} backend has no SQL engine to watch")
    engine = factory.engine.sync_engine
    counter = StatementCounter()

    def on_execute(*args: Any) -> None:
        counter.count += 1
        assert counter.statements is not None
        counter.statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
