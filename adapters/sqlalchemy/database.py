"""Engines and sessions for SQLite (aiosqlite) and Postgres (asyncpg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

# Applied to every new SQLite connection. WAL lets readers run beside the single writer;
# busy_timeout makes a second writer wait for the lock instead of failing at once.
SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA synchronous=NORMAL",
)


# Every engine: SQLAlchemy's error text then never carries bound parameters (password hashes,
# emails, tokens), so no str(exc) of a database error can leak them into a log.
_SAFE_ERRORS: dict[str, Any] = {"hide_parameters": True}


def _encode_json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


# msgspec decodes JSON columns (product image ids) several times faster than the json module,
# and a product list decodes one per row.
_JSON_CODEC: dict[str, Any] = {
    "json_serializer": _encode_json,
    "json_deserializer": msgspec.json.decode,
}


def is_sqlite_url(url: str | URL) -> bool:
    """True for a SQLite database URL."""
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str | URL) -> Path | None:
    """The database file of a SQLite URL, or None for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def ensure_sqlite_parent(url: str | URL) -> None:
    """Create the folder a SQLite file lives in, so a fresh checkout can start."""
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take BEGIN away from the sqlite3 driver: its legacy mode begins lazily on the first
    # write, which makes read-then-write transactions fail with "database is locked".
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


# Execution option a read-only unit of work sets on its connection.
READ_ONLY_OPTION = "hexashop_read_only"


def _on_sqlite_begin(conn: Connection) -> None:
    if conn.get_execution_options().get(READ_ONLY_OPTION):
        # A reader needs no write lock: under WAL it sees a consistent snapshot and never
        # waits for (or blocks) the writer.
        conn.exec_driver_sql("BEGIN")
        return
    # IMMEDIATE takes the write lock up front, so concurrent transactions queue on
    # busy_timeout (one at a time) instead of deadlocking when they upgrade to writers.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def install_sqlite_hooks(engine: AsyncEngine) -> None:
    """Make an aiosqlite engine enforce foreign keys and serialize writers."""
    event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
    event.listen(engine.sync_engine, "begin", _on_sqlite_begin)


# Postgres connections a process may open beyond `pool_size` when requests burst.
BURST_CONNECTIONS = 10


def create_engine(url: str, pool_size: int = 30) -> AsyncEngine:
    """An async engine for SQLite or Postgres, tuned for this service.

    On Postgres a process opens at most `pool_size` + BURST_CONNECTIONS connections, each
    when first needed, and keeps every one it opened: the pool has room for them all and no
    overflow. An overflow connection is closed when it comes back, so a load just above the
    pool's size paid a connect (TCP, TLS, authentication) on every request beyond it; the cap
    is the same as with `pool_size` plus that overflow.
    """
    if is_sqlite_url(url):
        ensure_sqlite_parent(url)
        kwargs: dict[str, Any] = {}
        if sqlite_file(url) is not None:
            # Writers are serialized by the file lock anyway; the pool only needs room for
            # requests waiting on it. pool_timeout is generous so queued writers don't fail.
            kwargs = {"pool_size": 5, "max_overflow": 20, "pool_timeout": 30}
        engine = _create_async_engine(url, **kwargs, **_JSON_CODEC, **_SAFE_ERRORS)
        install_sqlite_hooks(engine)
        return engine
    return _create_async_engine(
        url,
        **_JSON_CODEC,
        **_SAFE_ERRORS,
        pool_size=pool_size + BURST_CONNECTIONS,
        max_overflow=0,
        pool_timeout=10,
        # No pre-ping: it costs a round trip per request. A connection found dead raises
        # (answered 503) and SQLAlchemy then discards every older pooled connection.
        pool_recycle=1800,
        # Fail fast when the server is down, so requests answer 503 instead of hanging.
        connect_args={"timeout": 5},
    )
