"""The SQL unit of work: one pooled connection and one transaction per `async with`."""

from __future__ import annotations

import weakref
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.contexts import SqlRepositories
from adapters.sqlalchemy.autocommit import (
    AutocommitConnection,
    TransactionDriver,
    begin_without_io,
    can_close_without_io,
    connect_without_io,
)
from adapters.sqlalchemy.database import READ_ONLY_OPTION
from adapters.sqlalchemy.reader import ReadConnection, Reader
from adapters.sqlalchemy.registry import SqlScope
from domain.errors import ServiceUnavailable

# SQLSTATE classes that mean "the server cannot serve us right now": connection exceptions,
# insufficient resources (too many connections), operator intervention (shutting down),
# and a database that does not exist (yet).
_UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "53", "57P")
_UNAVAILABLE_SQLSTATES = {"3D000"}


def is_database_unavailable(exc: BaseException) -> bool:
    """True when the error means the database cannot be reached, rather than a bug in a query."""
    if isinstance(exc, OSError | TimeoutError):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError):
            return True
        sqlstate = getattr(exc.orig, "sqlstate", None) or ""
        return sqlstate in _UNAVAILABLE_SQLSTATES or sqlstate.startswith(
            _UNAVAILABLE_SQLSTATE_PREFIXES
        )
    return False


_read_only_views: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine] = weakref.WeakKeyDictionary()


def _read_only_view(engine: AsyncEngine) -> AsyncEngine:
    """The engine with read-only options: same pool, options applied on checkout. Built once
    per engine, not per unit of work."""
    view = _read_only_views.get(engine)
    if view is None:
        is_postgres = engine.dialect.name == "postgresql"
        options = {"isolation_level": "AUTOCOMMIT"} if is_postgres else {READ_ONLY_OPTION: True}
        view = _read_only_views[engine] = engine.execution_options(**options)
    return view


class SqlUnitOfWork(SqlRepositories):
    """A transaction over every SQL repository. Leaving without commit() rolls back.

    Each `async with` checks out a fresh connection, so one instance can be reused
    sequentially, never concurrently. Repositories issue Core statements on that connection:
    the rows are mapped to domain dataclasses explicitly, so an ORM session (identity map,
    snapshots) would only add per-request cost. The repositories are every registered
    context's (`adapters/contexts.py`), built afresh on the new connection.
    """

    def __init__(
        self, engine: AsyncEngine, read_only: bool = False, direct_reads: bool = True
    ) -> None:
        # Queries (authenticating, lists, lookups) never commit. On Postgres they run in
        # autocommit mode, saving the BEGIN and ROLLBACK round trips on every request; on
        # SQLite they take no write lock, so reads don't queue behind writers.
        self._read_only = read_only
        # On Postgres, read-only work runs its SELECTs on asyncpg itself (reader.py);
        # DB_DIRECT_READS=false keeps it on SQLAlchemy's autocommit connection instead.
        self.direct_reads = direct_reads
        self._engine = _read_only_view(engine) if read_only else engine
        self._connection: AsyncConnection | AutocommitConnection | None = None

    async def __aenter__(self) -> Self:
        """Check out a connection and begin its transaction (on SQLite: take the write lock)."""
        if self._connection is not None:
            raise RuntimeError("this unit of work is already in progress")
        autocommit: AutocommitConnection | None = None
        connection: ReadConnection
        direct = self.direct_reads and self._engine.dialect.driver == "asyncpg"
        if self._read_only and direct:
            autocommit = AutocommitConnection(self._engine)
            try:
                await autocommit.open()
            except Exception as exc:
                # Only connecting happens here, so any driver error means "can't connect".
                if is_database_unavailable(exc) or isinstance(exc, self._driver_error()):
                    raise ServiceUnavailable("The database is unavailable") from exc
                raise
            connection = autocommit
        else:
            connection = await self._connect()
        dialect = connection.dialect.name
        # A writer on asyncpg runs its hot writes on the driver too, inside its transaction.
        transaction = None
        if direct and isinstance(connection, AsyncConnection):
            transaction = TransactionDriver(connection)
        reader = Reader(connection, autocommit, transaction)
        self._build_repositories(SqlScope(connection, dialect, reader))
        self._connection = connection
        return self

    async def _connect(self) -> AsyncConnection:
        ready = connect_without_io(self._engine)
        connection = ready or self._engine.connect()
        try:
            # Connect now, so an unreachable database fails here as a 503. Writers also BEGIN
            # now; readers begin on their first statement (a no-op under autocommit).
            if ready is None:
                await connection.start()
            if not self._read_only:
                if connection.dialect.driver == "asyncpg":
                    begin_without_io(connection)
                else:
                    await connection.begin()
        except Exception as exc:
            if connection.sync_connection is not None:  # connected, then failed
                await connection.close()
            if is_database_unavailable(exc):
                raise ServiceUnavailable("The database is unavailable") from exc
            raise
        return connection

    def _driver_error(self) -> type[BaseException]:
        error: type[BaseException] = self._engine.dialect.loaded_dbapi.Error
        return error

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed, return the connection to the pool."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            if isinstance(connection, AsyncConnection) and can_close_without_io(connection):
                connection.sync_connection.close()  # type: ignore[union-attr]
            else:
                await connection.close()  # rolls back an open transaction
        except Exception as close_error:
            # A dead connection can't roll back, but its work is discarded anyway; only
            # report it when nothing else went wrong.
            if exc is None:
                if is_database_unavailable(close_error):
                    raise ServiceUnavailable("The database is unavailable") from close_error
                raise
        if exc is not None and isinstance(exc, Exception) and is_database_unavailable(exc):
            raise ServiceUnavailable("The database is unavailable") from exc

    def _active(self) -> AsyncConnection | AutocommitConnection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not in progress; use `async with`")
        return self._connection

    async def commit(self) -> None:
        """Make the work so far durable; later work runs in a new transaction."""
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        connection = self._active()
        assert isinstance(connection, AsyncConnection)  # only readers hold an autocommit one
        await connection.commit()

    async def rollback(self) -> None:
        """Discard the work since the last commit."""
        await self._active().rollback()


if TYPE_CHECKING:
    from application.accounts.ports import AccountsUnitOfWork
    from application.catalog.ports import CatalogUnitOfWork
    from application.media.ports import MediaUnitOfWork
    from application.messaging.ports import MessagingUnitOfWork
    from application.ordering.ports import OrderingUnitOfWork

    def _serves_every_context(uow: SqlUnitOfWork) -> None:
        """Never called: mypy checks here that the unit of work fits every context's port."""
        accounts: AccountsUnitOfWork = uow
        catalog: CatalogUnitOfWork = uow
        ordering: OrderingUnitOfWork = uow
        messaging: MessagingUnitOfWork = uow
        media: MediaUnitOfWork = uow
        del accounts, catalog, ordering, messaging, media
