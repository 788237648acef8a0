"""Alembic environment: async engine, URL from the Config or DATABASE_URL, batch mode on SQLite."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from adapters.sqlalchemy.database import ensure_sqlite_parent, install_sqlite_hooks, is_sqlite_url
from adapters.sqlalchemy.migrate import MIGRATION_LOCK_KEY
from adapters.sqlalchemy.schema import include_in_comparison, metadata

config = context.config
target_metadata = metadata


def _database_url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("Set sqlalchemy.url in the Alembic Config or DATABASE_URL")
    return url


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (alembic upgrade --sql)."""
    url = _database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        compare_type=True,
        include_object=include_in_comparison(make_url(url).get_dialect().name),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=is_sqlite_url(url),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_on_connection(connection: Connection) -> None:
    # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # Autogenerate leaves SQLite's FTS5 tables and Postgres's search column where they are.
        include_object=include_in_comparison(connection.dialect.name),
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Held until this transaction ends: replicas migrating at once take turns, and the
            # later ones read the version table only once the first has committed.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        context.run_migrations()


async def run_migrations_online() -> None:
    """Run the migrations on a short-lived async engine."""
    url = _database_url()
    if is_sqlite_url(url):
        ensure_sqlite_parent(url)
    engine = create_async_engine(url, poolclass=NullPool)
    if is_sqlite_url(url):
        # Same connection setup as the application: foreign keys on, transactional DDL.
        install_sqlite_hooks(engine)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_on_connection)
            await connection.commit()
    finally:
        await engine.dispose()


def _run_online() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(run_migrations_online())
        return
    # Called from code already inside an event loop: give the migrations a loop of their own.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="alembic") as pool:
        pool.submit(lambda: asyncio.run(run_migrations_online())).result()


if context.is_offline_mode():
    run_migrations_offline()
else:
    _run_online()
