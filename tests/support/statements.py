"""Count the SQL statements an engine sends, to prove list queries have no N+1.

Statements reach the database two ways: through SQLAlchemy (seen by its
`before_cursor_execute` event) and, on read-only units of work over asyncpg, straight
through the driver (adapters/sqlalchemy/reader.py; seen by asyncpg's query loggers). A
counter watches both, so it cannot be fooled by which path a repository takes.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from asyncpg.prepared_stmt import PreparedStatement
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.databases import UnitOfWorkFactory

_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "START")


def _is_transaction_control(statement: str) -> bool:
    return statement.lstrip().upper().startswith(_TRANSACTION_CONTROL)


@dataclass
class StatementCounter:
    """How many statements went to the database, and which."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many statements were executed."""
        return len(self.statements)


@asynccontextmanager
async def watch_statements(
    engine: Engine, on_statement: Callable[[str], None]
) -> AsyncIterator[None]:
    """Call `on_statement` with the SQL of every data statement the engine's connections run
    (transaction control, which SQLite's BEGIN hook and asyncpg issue, is not counted)."""
    # asyncpg connections the driver-level logger was added to, to take it off again.
    watched: weakref.WeakSet[Any] = weakref.WeakSet()

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not _is_transaction_control(statement):
            on_statement(statement)

    def on_driver_query(record: Any) -> None:
        if not _is_transaction_control(record.query):
            on_statement(record.query)

    def on_checkout(dbapi_connection: Any, *_: Any) -> None:
        driver = getattr(dbapi_connection, "driver_connection", None)
        if driver is not None and hasattr(driver, "add_query_logger") and driver not in watched:
            driver.add_query_logger(on_driver_query)
            watched.add(driver)

    # Statements the reader runs as the unnamed prepared statement, to have them planned per
    # call, which asyncpg's query loggers do not see (SQLAlchemy's own prepared statements
    # are named, and its event sees them).
    prepared_fetch = PreparedStatement.fetch

    async def fetch(statement: PreparedStatement, *args: Any, **kwargs: Any) -> Any:
        if statement._connection in watched and not statement._state.name:
            on_statement(statement.get_query())
        return await prepared_fetch(statement, *args, **kwargs)

    # The pool object itself: disposing the engine inside the block swaps in a new pool.
    pool = engine.pool
    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(pool, "checkout", on_checkout)
    PreparedStatement.fetch = fetch
    try:
        yield
        # asyncpg calls query loggers with loop.call_soon: let the last ones run.
        await asyncio.sleep(0)
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(pool, "checkout", on_checkout)
        PreparedStatement.fetch = prepared_fetch
        for driver in list(watched):
            driver.remove_query_logger(on_driver_query)


@asynccontextmanager
async def count_statements(factory: UnitOfWorkFactory) -> AsyncIterator[StatementCounter]:
    """Count every statement the factory's engine executes inside the block.

    Start counting before the unit of work begins: connections are watched from checkout.
    """
    if factory.engine is None:
        raise ValueError(f"the {factory.backend} backend has no SQL engine to watch")
    counter = StatementCounter()
    async with watch_statements(factory.engine.sync_engine, counter.statements.append):
        yield counter


@contextmanager
def sqlalchemy_executions(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL of every statement SQLAlchemy's execution sends on the engine inside the
    block (statements run on the driver directly are not among them)."""
    seen: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", on_execute)
