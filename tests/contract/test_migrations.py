"""The Alembic migrations build exactly the schema of adapters/sqlalchemy/schema.py (every
context's tables), on SQLite and Postgres."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.migrate import upgrade_database_async
from adapters.sqlalchemy.schema import include_in_comparison, metadata
from tests.support.databases import sqlite_url
from tests.support.postgres import throwaway_database

EXPECTED_TABLES = {
    "alembic_version",
    "api_keys",
    "counters",
    "users",
    "one_time_tokens",
    "refresh_tokens",
    "login_failures",
    "outbox",
    "products",
    "orders",
    "order_lines",
    "payments",
    "processed_events",
    "media_files",
    "posts",
    "post_tags",
    "post_slugs",
    "comments",
}
# SQLite's full-text index of the posts: the FTS5 table and the shadow tables it keeps.
SQLITE_FTS_TABLES = {
    "posts_fts",
    "posts_fts_data",
    "posts_fts_idx",
    "posts_fts_docsize",
    "posts_fts_config",
}


@pytest.fixture(params=["sqlite", "postgres"])
async def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a database nobody has migrated yet."""
    if request.param == "sqlite":
        # The folder does not exist yet: the migration must create it.
        yield sqlite_url(tmp_path / "not-yet" / "there" / "hexashop.db")
        return
    async with throwaway_database("hexashop_migrations") as url:
        yield url


def _schema_state(conn: Connection) -> dict[str, Any]:
    inspector = inspect(conn)
    return {
        "dialect": conn.dialect.name,
        "tables": set(inspector.get_table_names()),
        "revision": MigrationContext.configure(conn).get_current_revision(),
        "diff": compare_metadata(
            MigrationContext.configure(
                conn, opts={"include_object": include_in_comparison(conn.dialect.name)}
            ),
            metadata,
        ),
        "indexes": {
            t: sorted(i["name"] or "" for i in inspector.get_indexes(t)) for t in metadata.tables
        },
    }


async def _inspect(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_schema_state)
    finally:
        await engine.dispose()


async def test_upgrade_builds_every_table_matching_the_metadata(fresh_database_url: str) -> None:
    await upgrade_database_async(fresh_database_url)

    state = await _inspect(fresh_database_url)

    sqlite = state["dialect"] == "sqlite"
    assert state["tables"] == EXPECTED_TABLES | (SQLITE_FTS_TABLES if sqlite else set())
    assert state["revision"] == "0008"
    assert state["diff"] == []
    assert "ix_users_email" in state["indexes"]["users"]
    assert "ix_outbox_status_next_attempt_at" in state["indexes"]["outbox"]
    assert ("ix_posts_search_vector" in state["indexes"]["posts"]) is not sqlite


async def test_the_product_search_and_sort_indexes_are_built_per_dialect(
    fresh_database_url: str,
) -> None:
    await upgrade_database_async(fresh_database_url)
    engine = create_engine(fresh_database_url)
    try:
        async with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                found = await conn.execute(
                    text(
                        "SELECT name FROM sqlite_master"
                        " WHERE type = 'index' AND tbl_name = 'products'"
                    )
                )
            else:
                found = await conn.execute(
                    text("SELECT indexname FROM pg_indexes WHERE tablename = 'products'")
                )
            names = {row[0] for row in found}
    finally:
        await engine.dispose()
    trigram = {"ix_products_name_trgm", "ix_products_description_trgm"}
    assert "ix_products_name_key" in names
    assert (trigram <= names) is (engine.dialect.name == "postgresql")


async def test_the_search_index_is_built_per_dialect(fresh_database_url: str) -> None:
    await upgrade_database_async(fresh_database_url)
    engine = create_engine(fresh_database_url)
    try:
        async with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                found = await conn.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                )
                assert set(found.scalars()) == {
                    "posts_fts_insert",
                    "posts_fts_update",
                    "posts_fts_delete",
                }
            else:
                found = await conn.execute(
                    text(
                        "SELECT is_generated, generation_expression FROM information_schema.columns"
                        " WHERE table_name = 'posts' AND column_name = 'search_vector'"
                    )
                )
                generated, expression = found.one()
                assert generated == "ALWAYS"
                assert "to_tsvector('english'::regconfig" in expression
                method = await conn.execute(
                    text(
                        "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam"
                        " WHERE c.relname = 'ix_posts_search_vector'"
                    )
                )
                assert method.scalar_one() == "gin"
    finally:
        await engine.dispose()


async def test_second_upgrade_is_a_no_op(fresh_database_url: str) -> None:
    await upgrade_database_async(fresh_database_url)
    engine = create_engine(fresh_database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO login_failures (key, at) VALUES ('k', CURRENT_TIMESTAMP)")
            )
        before = await _inspect(fresh_database_url)

        await upgrade_database_async(fresh_database_url)

        after = await _inspect(fresh_database_url)
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT count(*) FROM login_failures"))).scalar_one()
    finally:
        await engine.dispose()
    assert after == before
    assert rows == 1
