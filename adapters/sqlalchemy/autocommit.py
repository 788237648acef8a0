"""The driver connections of units of work on Postgres: a read-only one's autocommit
connection, checked out bare, and a writing one's asyncpg connection inside its transaction."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Executable, Result
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import AsyncAdaptedQueuePool, Pool, PoolProxiedConnection, QueuePool
from sqlalchemy.util import greenlet_spawn


class AutocommitConnection:
    """One pooled connection at a time for a read-only unit of work on asyncpg.

    Direct reads (reader.py) need only the driver connection, which SQLAlchemy's pool hands
    out in about 15 µs; wrapping it in a SQLAlchemy Connection costs about 40 µs more per
    unit of work (events, setting and resetting the isolation level, two greenlet switches).
    So a bare pooled connection is checked out first and traded for a SQLAlchemy Connection
    only when a statement needs SQLAlchemy. Under autocommit every statement runs in its
    own snapshot, so moving to another connection between statements changes nothing.

    It offers `execute` like AsyncConnection, which is all read-only repositories call.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        # `engine` is the autocommit view of the service's engine (same pool).
        self._engine = engine
        self._raw: PoolProxiedConnection | None = None
        self._connection: AsyncConnection | None = None

    @property
    def dialect(self) -> Dialect:
        """The engine's dialect."""
        return self._engine.dialect

    async def open(self) -> None:
        """Check out a bare pooled connection (raises the driver's error if none can be had)."""
        self._raw = checkout_without_io(self._engine) or await self._engine.raw_connection()

    async def driver(self) -> Any:
        """The asyncpg connection currently held."""
        if self._connection is not None:
            return (await self._connection.get_raw_connection()).driver_connection
        if self._raw is None:
            await self.open()
        assert self._raw is not None
        return self._raw.driver_connection

    def discard_driver(self, error: BaseException) -> None:
        """Drop the bare connection after the driver failed on it: it is closed rather than
        returned to the pool (SQLAlchemy's own connection handles its failures itself)."""
        raw, self._raw = self._raw, None
        if raw is not None:
            raw.invalidate(error)  # closes by terminating: no await needed

    async def execute(self, statement: Executable, parameters: Any = None) -> Result[Any]:
        """Run a statement through SQLAlchemy, on a SQLAlchemy Connection from now on."""
        if self._connection is None:
            await self._release_raw()  # at most one pooled connection per unit of work
            connection = self._engine.connect()
            try:
                await connection.start()
            except Exception:
                if connection.sync_connection is not None:
                    await connection.close()
                raise
            self._connection = connection
        return await self._connection.execute(statement, parameters)

    async def rollback(self) -> None:
        """Nothing to undo: under autocommit every statement ended on its own."""

    async def close(self) -> None:
        """Return whatever connection is held to the pool."""
        await self._release_raw()
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    async def _release_raw(self) -> None:
        raw, self._raw = self._raw, None
        if raw is None:
            return
        if _pool_has_room(self._engine.pool):
            # It goes back into the pool's queue: no transaction is open on it, so the reset
            # (a rollback) has nothing to do, and nothing awaits. Nothing else runs between
            # this check and the checkin, so the queue still has room then.
            raw.close()
            return
        # The pool is full, so this is an overflow connection and the pool closes it, which
        # awaits the driver: that only works inside SQLAlchemy's greenlet (else
        # MissingGreenlet, and the connection is dropped without a goodbye). A greenlet
        # costs about 25 µs, so only this case pays for one.
        await greenlet_spawn(raw.close)


def checkout_without_io(engine: AsyncEngine) -> PoolProxiedConnection | None:
    """An idle pooled connection checked out by a plain call, or None when checking out
    would await something: then the caller checks out through SQLAlchemy's greenlet."""
    return engine.sync_engine.raw_connection() if _idle_connection_ready(engine) else None


def connect_without_io(engine: AsyncEngine) -> AsyncConnection | None:
    """A SQLAlchemy connection on an idle pooled connection, connected by plain calls, or
    None when connecting would await something (then `await connection.start()`)."""
    sync_engine = engine.sync_engine
    if sync_engine.dispatch.engine_connect or not _idle_connection_ready(engine):
        return None  # an engine_connect listener may do I/O (e.g. set an isolation level)
    connection = engine.connect()
    # What AsyncConnection.start does, minus the greenlet its connect runs in.
    connection.sync_connection = connection._assign_proxied(sync_engine.connect())
    return connection


def _idle_connection_ready(engine: AsyncEngine) -> bool:
    """True when checking out from the engine's pool awaits nothing: an idle connection is
    queued and ready as it is, so no connecting, recycling, waiting, ping or listener.

    `await engine.raw_connection()` and `await connection.start()` always hop into a
    greenlet (with the task switches around it, 30 to 70 µs per request here) although
    taking a ready connection off the pool's queue awaits nothing. What the checkout would
    await is decided by SQLAlchemy internals (2.0 and 2.1: the queue, the record's
    connection and timestamps, pool-wide invalidation), read here and pinned by
    tests/contract/test_direct_read_pool.py. asyncpg only: it is the one driver measured.
    Should a later SQLAlchemy rename them, this answers False and checkouts keep the greenlet.
    """
    pool: Any = engine.sync_engine.pool
    if engine.dialect.driver != "asyncpg" or not isinstance(pool, AsyncAdaptedQueuePool):
        return False
    try:
        if pool._pre_ping or pool.dispatch.checkout:
            return False
        idle: Any = pool._pool  # SQLAlchemy's AsyncAdaptedQueue over an asyncio queue
        records = idle._queue._queue  # that asyncio queue's deque of idle records
        if not records:
            return False
        record = records[-1] if idle.use_lifo else records[0]
        return record.dbapi_connection is not None and not _needs_reconnect(pool, record)
    except AttributeError:
        return False


def _needs_reconnect(pool: Any, record: Any) -> bool:
    """The record's checks of _ConnectionRecord.get_connection: past pool_recycle, or older
    than an invalidation of the pool or of this connection."""
    started = record.starttime
    if pool._recycle > -1 and time.time() - started > pool._recycle:
        return True
    return bool(pool._invalidate_time > started or record._soft_invalidate_time > started)


def _pool_has_room(pool: Pool) -> bool:
    """True when a connection checked in now goes into the queue (a put, nothing awaited)
    rather than being closed as an overflow connection (which awaits the driver)."""
    return isinstance(pool, QueuePool) and pool.checkedin() < pool.size()


def begin_without_io(connection: AsyncConnection) -> None:
    """Begin SQLAlchemy's transaction on a connected asyncpg connection without the greenlet
    hop of `await connection.begin()` (about 10 µs): on asyncpg beginning is bookkeeping
    only (the adapter sends BEGIN before the first statement), so the synchronous call does
    no I/O. (SQLite's BEGIN IMMEDIATE, sent from a `begin` event, does: not for it.)"""
    connection.sync_connection.begin()  # type: ignore[union-attr]


async def _pooled(connection: AsyncConnection) -> PoolProxiedConnection:
    """The pooled connection under `connection`: a plain attribute read while it is connected
    and valid, a greenlet hop (which may reconnect) otherwise."""
    sync = connection.sync_connection
    if sync is not None and not sync.closed and not sync.invalidated:
        return sync.connection
    return await connection.get_raw_connection()


def can_close_without_io(connection: AsyncConnection) -> bool:
    """True when closing `connection` awaits nothing: no database transaction is open on it
    (committed, or no statement ran) and the pool's queue has room for it, so the reset is
    a no-op and the checkin a queue put. Closing it synchronously then saves a greenlet hop."""
    sync = connection.sync_connection
    if sync is None or sync.closed or sync.invalidated or sync.dialect.driver != "asyncpg":
        return False
    adapter: Any = sync.connection.dbapi_connection
    return getattr(adapter, "_transaction", True) is None and _pool_has_room(sync.engine.pool)


class TransactionDriver:
    """The asyncpg connection under a writing unit of work's SQLAlchemy connection, for
    statements run on the driver itself (reader.py) inside the unit of work's transaction.

    SQLAlchemy's asyncpg adapter sends BEGIN lazily, before the first statement it runs; a
    statement sent past it would run outside the transaction. So before handing the driver
    out this begins the SQLAlchemy transaction if none is open (after a commit) and has the
    adapter start the driver's transaction now; SQLAlchemy then commits and rolls back that
    transaction as its own. The adapter's `_transaction` and `_start_transaction` are
    SQLAlchemy internals (2.0 and 2.1), pinned by tests/contract/test_direct_writes.py.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        # The pooled connection under it, looked up once (each lookup is a greenlet hop):
        # a unit of work keeps its connection to the end.
        self._raw: PoolProxiedConnection | None = None

    @property
    def dialect(self) -> Dialect:
        """The connection's dialect."""
        return self._connection.dialect

    async def driver(self) -> Any:
        """The asyncpg connection, inside the unit of work's transaction."""
        connection = self._connection
        if not connection.in_transaction():
            begin_without_io(connection)
        raw = self._raw
        if raw is None or not raw.is_valid:  # invalidated: SQLAlchemy connects anew
            raw = self._raw = await _pooled(connection)
        adapter: Any = raw.dbapi_connection
        if adapter._transaction is None:
            await adapter._start_transaction()
        return raw.driver_connection

    async def translated(self, error: Exception, sql: str) -> Exception:
        """The driver's error as SQLAlchemy would have raised it (an IntegrityError, an
        OperationalError, ... wrapping the driver's), the connection invalidated when the
        error means it is gone, so the unit of work reports it exactly as on SQLAlchemy's path.
        """
        raw = self._raw or await self._connection.get_raw_connection()
        adapter: Any = raw.dbapi_connection
        dialect = self._connection.dialect
        try:
            adapter._handle_exception(error)  # raises the DB-API form of the error
        except Exception as dbapi_error:
            converted: Any = dbapi_error
            gone = dialect.is_disconnect(converted, adapter, None)
            if gone:
                raw.invalidate(dbapi_error)
            return DBAPIError.instance(
                sql,
                None,
                dbapi_error,
                dialect.loaded_dbapi.Error,
                hide_parameters=True,
                connection_invalidated=gone,
                dialect=dialect,
            )
        return error
