"""Replicas started together each run the migrations on one fresh Postgres database: each
takes the advisory lock in migrations/env.py first, so one migrates while the others wait."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from adapters.sqlalchemy.migrate import MIGRATION_LOCK_KEY
from tests.e2e.process import process_env
from tests.support.postgres import throwaway_database

pytestmark = pytest.mark.e2e


async def _waiting_on_the_lock(conn: asyncpg.Connection) -> int:
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        )
    )


async def test_an_upgrade_waits_for_the_migration_lock_then_finds_its_work_done(
    tmp_path: Path,
) -> None:
    async with throwaway_database("hexashop_migrate_race") as url:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        holder = await asyncpg.connect(dsn)
        try:
            # The test plays the replica that got there first and is still migrating.
            await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
            upgrades = [
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    *("-m", "entrypoints.cli", "db", "upgrade"),
                    cwd=tmp_path,
                    env=process_env(DATABASE_URL=url),
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.STDOUT,
                )
                for _ in range(2)
            ]
            async with asyncio.timeout(60):
                while await _waiting_on_the_lock(holder) < 2:
                    await asyncio.sleep(0.1)
            tables_while_held = await holder.fetchval(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            )
            await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
            async with asyncio.timeout(60):
                outputs = [(await p.communicate())[0].decode() for p in upgrades]
            version = await holder.fetchval("SELECT version_num FROM alembic_version")
        finally:
            await holder.close()

    assert tables_while_held == 0
    assert [p.returncode for p in upgrades] == [0, 0], "\n".join(outputs)
    assert version is not None
