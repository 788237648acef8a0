"""`hexashop apikeys create/list/revoke` on a migrated SQLite file, and the key they print
used over HTTP against the same database."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from litestar.testing import AsyncTestClient

from entrypoints.cli.main import cli
from entrypoints.containers import create_container
from entrypoints.http.app import create_app
from entrypoints.settings import load_settings
from tests.support.databases import copy_sqlite_database

KEY = re.compile(r"^hxk_[0-9a-f]{8}_[A-Za-z0-9_-]{32}$")


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
        "RATE_LIMIT_ENABLED": "false",
    }


def _invoke(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def _hit(env: dict[str, str], key: str, name: str) -> tuple[int, Any]:
    async def main() -> tuple[int, Any]:
        app = create_app(create_container(load_settings(env)))
        async with AsyncTestClient(app=app) as client:
            response = await client.post(
                f"/api/v1/counters/{name}/hits", headers={"X-API-Key": key}
            )
            return response.status_code, response.json()

    return asyncio.run(main())


def test_a_created_key_works_over_http_until_it_is_revoked(env: dict[str, str]) -> None:
    created = _invoke(env, "apikeys", "create", "blog", "--counters", "home")
    key = created.stdout.strip()

    assert created.exit_code == 0, created.output
    assert KEY.match(key)
    assert _hit(env, key, "home") == (200, {"name": "home", "count": 1})
    assert _hit(env, key, "other")[0] == 403

    listed = _invoke(env, "apikeys", "list")
    assert listed.exit_code == 0
    assert re.search(rf"blog\s+{key[4:12]}\s+home\s+\(any\)", listed.stdout)
    assert key[13:] not in listed.stdout  # the secret is shown once, at creation

    revoked = _invoke(env, "apikeys", "revoke", "blog")
    assert revoked.exit_code == 0
    assert _hit(env, key, "home")[0] == 401


def test_a_taken_name_is_refused_in_one_line(env: dict[str, str]) -> None:
    assert _invoke(env, "apikeys", "create", "blog").exit_code == 0

    again = _invoke(env, "apikeys", "create", "blog")

    assert again.exit_code == 1
    assert again.stderr.strip() == "error: An API key with this name already exists"


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("--origins", "https://site.example/path", "origins"),
        ("--origins", "ftp://site.example", "origins"),
        ("--counters", "Home", "counters"),
    ],
)
def test_bad_scopes_are_refused_naming_them(
    env: dict[str, str], option: str, value: str, field: str
) -> None:
    result = _invoke(env, "apikeys", "create", "blog", option, value)

    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {field}: ")
    assert _invoke(env, "apikeys", "list").stdout.strip().count("\n") == 0  # only the header


def test_revoking_an_unknown_key_is_refused(env: dict[str, str]) -> None:
    result = _invoke(env, "apikeys", "revoke", "nobody")

    assert result.exit_code == 1
    assert result.stderr.strip() == "error: API key not found"
