"""SELECTs for repositories, run by the asyncpg driver itself on read-only units of work,
and the order path's writes, run by it inside a writing unit of work's transaction.

SQLAlchemy builds and compiles every statement. Executing it through SQLAlchemy then costs
about 100 µs per statement and several µs per row on top of the driver (execution context,
greenlet switches, result rows), which is most of a catalog page's server time. A read-only
unit of work on Postgres runs in autocommit mode, so no transaction state lives in
SQLAlchemy: there the compiled SQL goes straight to the asyncpg connection SQLAlchemy's pool
handed out, its parameters converted by SQLAlchemy's own bind processors. A statement whose
columns SQLAlchemy would convert, or whose parameters expand per call, every statement on
SQLite, and every SELECT in a transaction, takes SQLAlchemy's path, which returns rows with
the same keys and values; each such fallback is logged once. `write()` sends an INSERT or
UPDATE to the driver inside the writing unit of work's transaction (TransactionDriver,
autocommit.py). `DB_DIRECT_READS=false` turns both direct paths off (the unit of work then
hands the reader neither driver).

Repositories see their connection as a `ReadConnection`, which offers only what an
AutocommitConnection offers too, so mypy refuses `begin_nested`, `stream` and the like on a
read-only unit of work; a write that needs a savepoint asks `writable()` for it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Executable, Result, Select
from sqlalchemy.engine import CursorResult, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import UpdateBase

from adapters.sqlalchemy.autocommit import AutocommitConnection, TransactionDriver

Row = Mapping[Any, Any]

logger = logging.getLogger(__name__)


class ReadConnection(Protocol):
    """What every unit of work's connection offers repositories: statements and a dialect.

    A read-only unit of work on Postgres holds an AutocommitConnection, which has no
    transactions, savepoints or streams; typed as this, code calling them does not pass mypy.
    """

    @property
    def dialect(self) -> Dialect:
        """The database's dialect."""
        ...

    async def execute(
        self, statement: Executable, parameters: Any = None
    ) -> Result[*tuple[Any, ...]]:
        """Run one statement."""
        ...


def writable(connection: ReadConnection) -> AsyncConnection:
    """The connection of a writing unit of work, for what only SQLAlchemy's offers
    (savepoints); a read-only unit of work's autocommit connection has none."""
    if not isinstance(connection, AsyncConnection):
        raise RuntimeError("a read-only unit of work cannot write")
    return connection


# Each statement's fallback is logged the first time it happens, not on every request.
_logged_fallbacks: set[str] = set()


def _log_fallback_once(level: int, reason: str, sql: str) -> None:
    # The SQL text only: its values are placeholders, and a driver error's message (which
    # can quote a value) is never logged, only its class.
    if sql in _logged_fallbacks:
        return
    _logged_fallbacks.add(sql)
    one_line = " ".join(sql.split())
    logger.log(level, "Direct read fallback (%s); SQLAlchemy runs: %.200s", reason, one_line)


@dataclass(frozen=True, slots=True)
class DriverStatement:
    """A compiled SELECT the driver can run: its SQL, its parameter names in order, the
    conversion SQLAlchemy applies to each value on this dialect (None: passed as is), and the
    values of the parameters the statement itself carries (literals like `stock > 0`)."""

    sql: str
    parameter_names: tuple[str, ...]
    converters: tuple[Callable[[Any], Any] | None, ...]
    constants: Mapping[str, Any]

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        """The positional driver arguments for these named parameters, converted as
        SQLAlchemy would convert them."""
        constants = self.constants
        arguments = []
        for name, convert in zip(self.parameter_names, self.converters, strict=True):
            value = params[name] if name in params else constants[name]
            arguments.append(value if convert is None else convert(value))
        return arguments


def _result_columns(statement: Select[Any] | UpdateBase) -> Sequence[Any]:
    # A SELECT's columns, or what an INSERT / UPDATE / DELETE returns (none without RETURNING).
    if isinstance(statement, Select):
        return list(statement.selected_columns)
    if isinstance(statement, UpdateBase):
        return list(statement.exported_columns)
    return []


@functools.lru_cache(maxsize=512)
def driver_statement(
    statement: Select[Any] | UpdateBase, dialect: Dialect
) -> DriverStatement | None:
    """The statement compiled for the driver, or None when SQLAlchemy must run it.

    Parameters get SQLAlchemy's own bind conversions (e.g. UTCDateTime's checks). A column
    that SQLAlchemy would convert on the way out, or a parameter expanded or rendered per call
    (IN lists, literal_execute), keeps the statement on SQLAlchemy's path. Cached per
    statement object: hot statements are built once (module constants or lru_cached
    builders), so this compiles each of them once per dialect.
    """
    if dialect.driver != "asyncpg":
        return None
    compiled = statement.compile(dialect=dialect)
    names = compiled.positiontup
    if names is None:
        _log_fallback_once(logging.INFO, "no positional parameters", compiled.string)
        return None
    converters: list[Callable[[Any], Any] | None] = []
    constants: dict[str, Any] = {}
    for name in names:
        bind = compiled.binds[name]
        if bind.expanding or bind.literal_execute or bind.callable is not None:
            _log_fallback_once(logging.INFO, "a parameter expands per call", compiled.string)
            return None
        converters.append(bind.type.dialect_impl(dialect).bind_processor(dialect))
        if not bind.required:
            constants[name] = bind.value
    for column in _result_columns(statement):
        if column.type.dialect_impl(dialect).result_processor(dialect, None) is not None:
            _log_fallback_once(logging.INFO, "a column needs conversion", compiled.string)
            return None
    return DriverStatement(compiled.string, tuple(names), tuple(converters), constants)


class Reader:
    """Runs one unit of work's SELECTs, and a writing one's hot writes, and returns rows
    indexable by column name."""

    def __init__(
        self,
        connection: ReadConnection,
        autocommit: AutocommitConnection | None = None,
        transaction: TransactionDriver | None = None,
    ) -> None:
        self._connection = connection
        # Direct reads only on an autocommit connection: SQLAlchemy begins its transactions
        # lazily, on the first statement it runs, so a statement run past it would escape.
        self._autocommit = autocommit
        # A writing unit of work's driver, inside its transaction, for write().
        self._transaction = transaction

    async def write(self, statement: UpdateBase, params: Mapping[str, Any]) -> Sequence[Row]:
        """Run an INSERT, UPDATE or DELETE of a writing unit of work; the rows it returns.

        On Postgres the compiled statement goes straight to the asyncpg connection, inside
        the unit of work's transaction (SQLAlchemy's execution costs about 150 µs a statement,
        a third of an order placement's time in the server); a statement SQLAlchemy must run
        takes its path. A driver error is raised as SQLAlchemy would raise it: no retry, the
        transaction is aborted either way.
        """
        transaction = self._transaction
        plan = driver_statement(statement, transaction.dialect) if transaction else None
        if transaction is not None and plan is not None:
            try:
                driver = await transaction.driver()  # may send BEGIN
                rows: Sequence[Row] = await driver.fetch(plan.sql, *plan.arguments(params))
            except Exception as exc:
                raise await transaction.translated(exc, plan.sql) from exc
            return rows
        result = await self._connection.execute(statement, dict(params))
        if isinstance(result, CursorResult) and not result.returns_rows:
            return []
        return result.mappings().all()

    async def all(
        self, statement: Select[Any], params: Mapping[str, Any], *, planned_per_call: bool = False
    ) -> Sequence[Row]:
        """Every row. `planned_per_call`: Postgres plans the statement for these values each
        time, for a statement whose best plan depends on them (a search word matching five
        rows or half the table)."""
        autocommit = self._autocommit
        plan = driver_statement(statement, autocommit.dialect) if autocommit else None
        if autocommit is not None and plan is not None:
            driver = await autocommit.driver()
            try:
                arguments = plan.arguments(params)
                rows: Sequence[Row]
                if planned_per_call:
                    # The unnamed statement (name ""), which Postgres plans at each Bind for
                    # the values bound; the driver's cached named statement would switch to
                    # a generic plan (estimated for no value in particular) after its fifth
                    # run and keep it. Unnamed, it is replaced by the next, never closed.
                    prepared = await driver.prepare(plan.sql, name="")
                    rows = await prepared.fetch(*arguments)
                else:
                    rows = await driver.fetch(plan.sql, *arguments)
                return rows
            except Exception as exc:
                # Run it again through SQLAlchemy below, on a fresh connection: a SELECT has
                # no effect to repeat, and the error then surfaces exactly as on SQLAlchemy's
                # path (wrapped, classified as unavailable or not, and the pool invalidated
                # after a disconnect).
                autocommit.discard_driver(exc)
                _log_fallback_once(logging.WARNING, f"driver error {type(exc).__name__}", plan.sql)
        result = await self._connection.execute(statement, dict(params))
        mapped: Sequence[Row] = result.mappings().all()
        return mapped

    async def first(self, statement: Select[Any], params: Mapping[str, Any]) -> Row | None:
        """The first row, or None."""
        rows = await self.all(statement, params)
        return rows[0] if rows else None

    async def scalar(
        self, statement: Select[Any], params: Mapping[str, Any], *, planned_per_call: bool = False
    ) -> Any:
        """The first column of the one row."""
        rows = await self.all(statement, params, planned_per_call=planned_per_call)
        if len(rows) != 1:
            raise LookupError(f"expected one row, got {len(rows)}")
        row = rows[0]
        return next(iter(row.values()))
