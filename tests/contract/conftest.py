"""Fixtures for persistence contract tests: one unit of work factory per backend.

SQL databases are built by the real Alembic migrations (see the session fixtures in
tests/conftest.py): each test gets a copy of the migrated SQLite template, and the session's
Postgres database truncated.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.memory.counters import MemoryCounterStore
from adapters.sqlalchemy.counters import SqlCounterStore
from application.counters.ports import CounterStore
from tests.support.databases import (
    BACKENDS,
    SQL_BACKENDS,
    UnitOfWorkFactory,
    copy_sqlite_database,
    memory_factory,
    sql_factory,
    sqlite_url,
    truncate_all,
)
from tests.support.moto_server import (  # noqa: F401 (fixtures)
    MOTO_REGION,
    dynamodb_table,
    moto_endpoint,
)


@pytest.fixture
async def postgres_uow_factory(migrated_postgres_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    """Units of work on the (emptied) Postgres test database."""
    await truncate_all(migrated_postgres_url)
    async with sql_factory("postgres", migrated_postgres_url) as factory:
        yield factory


@pytest.fixture
async def sqlite_uow_factory(
    migrated_sqlite_template: Path, tmp_path: Path
) -> AsyncIterator[UnitOfWorkFactory]:
    """Units of work on a fresh copy of the migrated SQLite file."""
    path = copy_sqlite_database(migrated_sqlite_template, tmp_path / "contract.db")
    async with sql_factory("sqlite", sqlite_url(path)) as factory:
        yield factory


@pytest.fixture(params=BACKENDS)
def uow_factory(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    """A zero-argument callable returning a fresh unit of work, for each backend in turn."""
    if request.param == "memory":
        return memory_factory()
    factory: UnitOfWorkFactory = request.getfixturevalue(f"{request.param}_uow_factory")
    return factory


@pytest.fixture(params=SQL_BACKENDS)
def sql_uow_factory(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    """Like uow_factory, for the SQL backends only (their `engine` is set)."""
    factory: UnitOfWorkFactory = request.getfixturevalue(f"{request.param}_uow_factory")
    return factory


# --- counter stores: each CounterStore adapter, by name. Another adapter joins with one entry
# here and a `<name>_counter_store` fixture. --------------------------------------------------
COUNTER_STORE_BACKENDS = ("memory", "sqlite", "postgres", "dynamodb")


@pytest.fixture
def memory_counter_store() -> CounterStore:
    """Counters in a dict."""
    return MemoryCounterStore()


@pytest.fixture
def sqlite_counter_store(sqlite_uow_factory: UnitOfWorkFactory) -> CounterStore:
    """Counters in the migrated SQLite copy."""
    assert sqlite_uow_factory.engine is not None
    return SqlCounterStore(sqlite_uow_factory.engine)


@pytest.fixture
def postgres_counter_store(postgres_uow_factory: UnitOfWorkFactory) -> CounterStore:
    """Counters in the (emptied) Postgres test database."""
    assert postgres_uow_factory.engine is not None
    return SqlCounterStore(postgres_uow_factory.engine)


@pytest.fixture
async def dynamodb_counter_store(request: pytest.FixtureRequest) -> AsyncIterator[CounterStore]:
    """Counters in a new DynamoDB table on the session's moto server."""
    from adapters.dynamodb.counters import DynamoCounterStore

    endpoint = request.getfixturevalue("moto_endpoint")
    table = request.getfixturevalue("dynamodb_table")
    store = DynamoCounterStore(table, MOTO_REGION, endpoint)
    yield store
    await store.aclose()


@pytest.fixture(params=COUNTER_STORE_BACKENDS)
def counter_store(request: pytest.FixtureRequest) -> CounterStore:
    """Each CounterStore adapter in turn."""
    store: CounterStore = request.getfixturevalue(f"{request.param}_counter_store")
    return store


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of what AsyncEngine and AsyncConnection run through SQLAlchemy's greenlet."""
    import sqlalchemy.ext.asyncio.engine as async_engine

    seen: list[str] = []
    spawn = async_engine.greenlet_spawn

    async def counting(fn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(fn, "__name__", repr(fn)))
        return await spawn(fn, *args, **kwargs)

    monkeypatch.setattr(async_engine, "greenlet_spawn", counting)
    return seen
