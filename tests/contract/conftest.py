"""Fixtures for persistence contract tests: one unit of work factory per backend.

SQL databases are built by the real Alembic migrations. SQLite is migrated once per session
into a template file copied for each test; Postgres gets one throwaway database per session,
truncated before each test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from adapters.sqlalchemy.migrate import upgrade_database, upgrade_database_async
from tests.support.databases import (
    BACKENDS,
    UnitOfWorkFactory,
    copy_sqlite_database,
    memory_factory,
    sql_factory,
    sqlite_url,
    truncate_all,
)
from tests.support.postgres import run_in_fresh_loop, throwaway_database_sync


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head, to copy per test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade_database(sqlite_url(path))
    return path


@pytest.fixture(scope="session")
def migrated_postgres_url() -> Iterator[str]:
    """A throwaway Postgres database migrated to head, dropped at the end of the session."""
    with throwaway_database_sync("hexashop_contract") as url:
        run_in_fresh_loop(lambda: upgrade_database_async(url))
        yield url


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
