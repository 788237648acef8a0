"""Throwaway Postgres databases for tests. Fails loudly when the server is unreachable."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar
from uuid import uuid4

import asyncpg
from sqlalchemy.engine import URL, make_url

DEFAULT_SERVER_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432"
SERVER_URL_ENV = "HEXASHOP_TEST_POSTGRES_URL"

T = TypeVar("T")


class PostgresUnavailable(RuntimeError):
    """The test Postgres server cannot be reached; tests needing it must fail, not skip."""


def server_url() -> URL:
    """The server to create test databases on (HEXASHOP_TEST_POSTGRES_URL or the local one)."""
    url = make_url(os.environ.get(SERVER_URL_ENV) or DEFAULT_SERVER_URL)
    return url.set(drivername="postgresql+asyncpg")


def _maintenance_dsn() -> str:
    # Connect to the database named in the base URL, or to `postgres`, to run CREATE/DROP.
    url = server_url()
    url = url.set(drivername="postgresql", database=url.database or "postgres")
    return url.render_as_string(hide_password=False)


def database_url(name: str) -> str:
    """The SQLAlchemy URL of database `name` on the test server."""
    return server_url().set(database=name).render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    try:
        conn = await asyncpg.connect(_maintenance_dsn(), timeout=10)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        raise PostgresUnavailable(
            f"Postgres is unreachable at {server_url().render_as_string()} ({exc!r}). "
            f"Start it or point {SERVER_URL_ENV} at a server; these tests never skip."
        ) from exc
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def create_database(prefix: str = "hexashop_test") -> str:
    """Create a uniquely named empty database and return its SQLAlchemy URL."""
    name = f"{prefix}_{os.getpid()}_{uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{name}"')
    return database_url(name)


async def drop_database(url: str) -> None:
    """Drop a database made by create_database, disconnecting anyone still on it."""
    name = make_url(url).database
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def terminate_other_connections(url: str) -> None:
    """Make the server drop every other connection to this database (simulates a restart)."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()


@asynccontextmanager
async def throwaway_database(prefix: str = "hexashop_test") -> AsyncIterator[str]:
    """A fresh database for the duration of the block, dropped afterwards."""
    url = await create_database(prefix)
    try:
        yield url
    finally:
        await drop_database(url)


def run_in_fresh_loop(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on its own loop in a helper thread; works inside or outside a loop."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="postgres-admin") as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


@contextmanager
def throwaway_database_sync(prefix: str = "hexashop_test") -> Iterator[str]:
    """throwaway_database for synchronous (e.g. session-scoped) fixtures."""
    url = run_in_fresh_loop(lambda: create_database(prefix))
    try:
        yield url
    finally:
        run_in_fresh_loop(lambda: drop_database(url))
