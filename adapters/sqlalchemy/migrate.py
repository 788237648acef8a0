"""Run the Alembic migrations programmatically (there is no alembic.ini)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from adapters.sqlalchemy.database import ensure_sqlite_parent, is_sqlite_url

# The repository's migrations/ folder, next to the adapters package.
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
# Replicas starting together all run `serve`'s upgrade: on Postgres each takes this advisory
# lock first (migrations/env.py), so one migrates and the others then find the schema at head.
# Any constant unique to hexashop would do; this is "hexashop" in ASCII.
MIGRATION_LOCK_KEY = 0x68657861_73686F70


def alembic_config(database_url: str) -> Config:
    """An Alembic Config pointing at our migrations and this database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Config values go through configparser interpolation: a literal % must be doubled.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_database(database_url: str, revision: str = "head") -> None:
    """Bring the database schema up to `revision`; a no-op when it is already there.

    Synchronous: it blocks until done, running the async migrations on their own event loop.
    """
    if is_sqlite_url(database_url):
        ensure_sqlite_parent(database_url)
    command.upgrade(alembic_config(database_url), revision)


async def upgrade_database_async(database_url: str, revision: str = "head") -> None:
    """upgrade_database, off the event loop (Alembic's env starts its own loop)."""
    await asyncio.to_thread(upgrade_database, database_url, revision)
