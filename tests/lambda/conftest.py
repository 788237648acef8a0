"""Lambda runtimes on a migrated SQLite copy or the test Postgres database: the production
container (folder mail, local media, sandbox payments) with only password hashing made fast."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers

from entrypoints.containers import Container
from entrypoints.lambda_handler import LambdaRuntime
from entrypoints.settings import Settings
from tests.support.databases import copy_sqlite_database, sqlite_url, truncate_all
from tests.support.fakes import FastPasswordHasher
from tests.support.lambda_events import RuntimeMaker
from tests.support.postgres import run_in_fresh_loop


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty migrated database of each backend in turn."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("migrated_postgres_url")
        run_in_fresh_loop(lambda: truncate_all(url))
        return url
    template: Path = request.getfixturevalue("migrated_sqlite_template")
    return sqlite_url(copy_sqlite_database(template, tmp_path / "lambda.db"))


def lambda_settings(tmp_path: Path, database_url: str, **overrides: Any) -> Settings:
    """Settings as a Lambda deployment would have them, under tmp_path."""
    values: dict[str, Any] = {
        "app_env": "test",
        "database_url": database_url,
        "jwt_secret": "lambda-test-secret-0123456789abcdef0123",
        "var_dir": str(tmp_path / "var"),
        "mail_folder": str(tmp_path / "mail"),
        "media_dir": str(tmp_path / "media"),
        "run_worker_in_process": False,
        "db_pool_size": 2,
    }
    return Settings(**{**values, **overrides})


@pytest.fixture
def make_runtime(tmp_path: Path, database_url: str) -> Iterator[RuntimeMaker]:
    """Build Lambda runtimes on the test database (closed afterwards); settings overridable."""
    built: list[LambdaRuntime] = []

    def make(**overrides: Any) -> LambdaRuntime:
        container = Container(settings=lambda_settings(tmp_path, database_url, **overrides))
        container.core.hasher.override(providers.Singleton(FastPasswordHasher))
        runtime = LambdaRuntime(container)
        built.append(runtime)
        return runtime

    yield make
    for runtime in built:
        runtime.close()
