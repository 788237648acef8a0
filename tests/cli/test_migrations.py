"""Migrating from the CLI: `db upgrade` and `serve` say in one line why a database can't be
migrated, and `serve` migrates in a child process, keeping Alembic out of the server."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from entrypoints.cli.main import cli
from tests.support.postgres import database_url, throwaway_database_sync

ROOT = Path(__file__).resolve().parents[2]
HEXASHOP = Path(sys.executable).with_name("hexashop")
# Nothing listens on port 1 of this machine: connecting is refused at once.
UNREACHABLE = "postgresql+asyncpg://postgres:s3cret-password@127.0.0.1:1/hexashop"


def _env(tmp_path: Path, database: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "APP_ENV": "test",
        "DATABASE_URL": database,
        "VAR_DIR": str(tmp_path / "var"),
        "JWT_SECRET": "x" * 40,
        "RUN_WORKER_IN_PROCESS": "false",
    }


def _run(
    args: list[str], env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def _one_error_line(stderr: str, reason: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: The database is unavailable: "), lines
    assert reason in lines[0]
    assert "s3cret-password" not in stderr


@pytest.mark.parametrize("command", [["db", "upgrade"], ["serve"]])
def test_an_unreachable_database_is_one_line_and_exit_1(tmp_path: Path, command: list[str]):
    done = _run([str(HEXASHOP), *command], _env(tmp_path, UNREACHABLE))

    assert done.returncode == 1
    _one_error_line(done.stderr, "Connect call failed")


def test_serve_on_a_database_that_does_not_exist_says_so(tmp_path: Path):
    missing = database_url("hexashop_test_never_created")

    done = _run([str(HEXASHOP), "serve"], _env(tmp_path, missing))

    assert done.returncode == 1
    _one_error_line(done.stderr, 'database "hexashop_test_never_created" does not exist')


def test_db_upgrade_in_process_is_one_line_too(tmp_path: Path):
    result = CliRunner().invoke(cli, ["db", "upgrade"], env=_env(tmp_path, UNREACHABLE))

    assert result.exit_code == 1
    _one_error_line(result.stderr, "Connect call failed")


def _script(body: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(body)]


def test_the_child_migrates_and_alembic_never_loads_into_the_parent(tmp_path: Path):
    with throwaway_database_sync("hexashop_test_fork") as url:
        done = _run(
            _script(
                f"""
                import sys
                from entrypoints.cli.migrations import upgrade_in_child
                upgrade_in_child({url!r})
                print(sorted(m for m in sys.modules if m.split(".")[0] == "alembic"))
                """
            ),
            _env(tmp_path, url),
        )
        assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr
        check = _run(
            _script(
                f"""
                import asyncio, asyncpg
                async def main():
                    dsn = {url!r}.replace("+asyncpg", "")
                    connection = await asyncpg.connect(dsn)
                    print(await connection.fetchval("SELECT version_num FROM alembic_version"))
                    await connection.close()
                asyncio.run(main())
                """
            ),
            _env(tmp_path, url),
        )
    assert check.stdout.strip() == "0010", check.stderr


def test_a_migration_that_breaks_keeps_its_traceback_and_fails_the_parent(tmp_path: Path):
    done = _run(
        _script(
            """
            import adapters.sqlalchemy.migrate as migrate
            def broken(url, revision="head"):
                raise RuntimeError("migration 0011 is broken")
            migrate.upgrade_database = broken
            from entrypoints.cli.migrations import upgrade_in_child
            try:
                upgrade_in_child("sqlite+aiosqlite:///unused.db")
            except SystemExit as exc:
                print("parent exits", exc.code)
            """
        ),
        _env(tmp_path, "sqlite+aiosqlite:///unused.db"),
    )

    assert done.stdout.strip() == "parent exits 1"
    assert "Traceback" in done.stderr
    assert "RuntimeError: migration 0011 is broken" in done.stderr
