"""Fixtures shared by every test folder: migrated SQL databases, built once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.sqlalchemy.migrate import upgrade_database, upgrade_database_async
from tests.support.databases import sqlite_url
from tests.support.postgres import run_in_fresh_loop, throwaway_database_sync
from tests.support.redis import delete_prefix, redis_url, unique_prefix


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head; copy it per test with copy_sqlite_database."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade_database(sqlite_url(path))
    return path


@pytest.fixture(scope="session")
def migrated_postgres_url() -> Iterator[str]:
    """A throwaway Postgres database migrated to head, dropped when the session ends.

    Shared by the whole session: empty it per test with truncate_all. Fails (never skips)
    when Postgres is unreachable.
    """
    with throwaway_database_sync("hexashop_test") as url:
        run_in_fresh_loop(lambda: upgrade_database_async(url))
        yield url


@pytest.fixture(scope="session")
def redis_server_url() -> str:
    """The test Redis; fails (never skips) when it is unreachable."""
    return redis_url()


@pytest.fixture
def redis_prefix(redis_server_url: str) -> Iterator[str]:
    """A key prefix of this test's own on the test Redis, emptied afterwards."""
    prefix = unique_prefix()
    yield prefix
    delete_prefix(redis_server_url, prefix)
