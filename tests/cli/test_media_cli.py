"""`hexashop media list` and `hexashop media sweep`, on a migrated SQLite file and the local
storage folder."""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TypeVar
from uuid import uuid4

import pytest
from click.testing import CliRunner, Result
from dependency_injector import providers

from application.accounts.commands import CreateUserCommand
from application.media.commands import UploadMediaCommand
from application.media.views import MediaView
from application.shared.actor import Actor
from domain.accounts import Role
from entrypoints.cli.main import cli
from entrypoints.containers import Container, close_container, create_container
from entrypoints.settings import load_settings
from tests.support import media_samples
from tests.support.databases import copy_sqlite_database
from tests.support.fakes import FastPasswordHasher
from tests.support.storage import every_key

T = TypeVar("T")
PASSWORD = "Sup3rSecret"


@pytest.fixture
def env(tmp_path: Path, migrated_sqlite_template: Path) -> dict[str, str]:
    """The environment of an operator working on one migrated SQLite database."""
    database = copy_sqlite_database(migrated_sqlite_template, tmp_path / "shop.db")
    return {
        "APP_ENV": "test",
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "VAR_DIR": str(tmp_path / "var"),
        "JWT_SECRET": "x" * 40,
        "RUN_WORKER_IN_PROCESS": "false",
        "STORAGE_BACKEND": "local",
    }


def _invoke(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def _on(env: dict[str, str], work: Callable[[Container], Awaitable[T]]) -> T:
    container = create_container(load_settings(env))
    container.core.hasher.override(providers.Singleton(FastPasswordHasher))

    async def main() -> T:
        try:
            return await work(container)
        finally:
            await close_container(container)

    return asyncio.run(main())


async def _chunks(content: bytes) -> AsyncIterator[bytes]:
    yield content


async def _upload(container: Container, email: str, filename: str) -> MediaView:
    user = await container.accounts.create_user()(
        Actor.system(), CreateUserCommand(email=email, password=PASSWORD)
    )
    actor = Actor(user_id=user.id, role=Role.CUSTOMER)
    command = UploadMediaCommand(filename, _chunks(media_samples.pdf()))
    view: MediaView = await container.media.upload_media()(actor, command)
    return view


def _rows(listing: str) -> list[list[str]]:
    return [re.split(r"\s{2,}", line.strip()) for line in listing.splitlines()[1:]]


def test_media_list_shows_every_file_or_one_owners(env: dict[str, str]) -> None:
    ana = _on(env, lambda c: _upload(c, "ana@example.com", "ana.pdf"))
    bob = _on(env, lambda c: _upload(c, "bob@example.com", "bob.pdf"))

    everything = _invoke(env, "media", "list")
    anas = _invoke(env, "media", "list", "--owner", "ANA@example.com")
    nobody = _invoke(env, "media", "list", "--owner", "nobody@example.com")

    assert everything.exit_code == 0, everything.output
    assert everything.output.splitlines()[0].split() == [
        "ID", "OWNER_ID", "FILENAME", "TYPE", "BYTES", "CREATED"
    ]  # fmt: skip
    assert [row[:3] for row in _rows(everything.output)] == [
        [str(bob.id), str(bob.owner_id), "bob.pdf"],
        [str(ana.id), str(ana.owner_id), "ana.pdf"],
    ]
    assert [row[0] for row in _rows(anas.output)] == [str(ana.id)]
    assert nobody.exit_code == 1
    assert nobody.output.startswith("error: ")


def test_media_sweep_deletes_only_old_objects_without_a_file(env: dict[str, str]) -> None:
    kept = _on(env, lambda c: _upload(c, "ana@example.com", "ana.pdf"))
    old_orphan, young_orphan = str(uuid4()), str(uuid4())

    async def put_orphans(container: Container) -> Path:
        storage = container.core.storage()
        for key in (old_orphan, young_orphan):
            await storage.put(key, _chunks(b"%PDF-1.4 left over"), "application/pdf", {})
        return Path(container.settings().media_dir)

    media_dir = _on(env, put_orphans)
    two_hours_ago = time.time() - 7200
    for path in media_dir.rglob("*"):
        if path.is_file() and path.name in (old_orphan, str(kept.id)):
            os.utime(path, (two_hours_ago, two_hours_ago))

    swept = _invoke(env, "media", "sweep")
    left = _on(env, lambda c: every_key(c.core.storage()))

    assert swept.exit_code == 0, swept.output
    assert swept.output.strip() == "deleted 1 orphaned objects"
    assert left == {str(kept.id), young_orphan}
