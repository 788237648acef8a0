"""A shop built by the real composition root on a migrated SQL database, for race tests.

Everything but password hashing and mail delivery is production wiring: the container's own
engine and pool (the production sizes), the SQL unit of work, the sandbox payment provider.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from dependency_injector import providers

from entrypoints.containers import Container, close_container
from entrypoints.settings import Settings
from tests.concurrency.shop import Shop
from tests.support.databases import copy_sqlite_database, sqlite_url, truncate_all
from tests.support.fakes import FastPasswordHasher, RecordingMailer

BACKENDS = ("postgres", "sqlite")


async def _database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "postgres":
        url: str = request.getfixturevalue("migrated_postgres_url")
        await truncate_all(url)
        return url
    template: Path = request.getfixturevalue("migrated_sqlite_template")
    return sqlite_url(copy_sqlite_database(template, tmp_path / "shop.db"))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each SQL backend in turn; tests may narrow it with parametrize("backend", [...])."""
    return str(request.param)


@pytest.fixture
async def shop(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Shop]:
    """The production container on an empty migrated database of `backend`."""
    settings = Settings(
        app_env="test",
        database_url=await _database_url(backend, request, tmp_path),
        jwt_secret="x" * 40,
        payment_provider="sandbox",
        var_dir=str(tmp_path / "var"),
        mail_folder=str(tmp_path / "mail"),
        media_dir=str(tmp_path / "media"),
        rate_limit_enabled=False,
    )
    container = Container(settings=settings)
    container.core.hasher.override(providers.Singleton(FastPasswordHasher))
    container.core.mailer.override(providers.Singleton(RecordingMailer))
    try:
        yield Shop(container, backend)
    finally:
        await close_container(container)
