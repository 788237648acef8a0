"""The Alembic migrations build exactly the schema of adapters/sqlalchemy/schema.py (every
context's tables), on SQLite and Postgres; on a SQLite build without FTS5, no full-text index
(the posts are then searched with LIKE)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy.dialects import postgresql

from adapters.sqlalchemy.blog.search import SearchMode, search_mode
from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.migrate import upgrade_database_async
from adapters.sqlalchemy.schema import include_in_comparison, metadata
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from application.blog.ports import PostQuery
from domain.blog import Post, excerpt_of
from tests.support.builders import T0
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
    assert state["revision"] == "0010"
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


async def test_the_product_search_expressions_get_a_larger_statistics_sample(
    migrated_postgres_url: str,
) -> None:
    # The estimates of `LIKE '%word%'` come from these samples; at the default target they
    # swung a hundredfold between ANALYZEs (migrations/versions/0009).
    engine = create_engine(migrated_postgres_url)
    try:
        async with engine.connect() as conn:
            found = await conn.execute(
                text(
                    "SELECT c.relname, a.attstattarget FROM pg_attribute a"
                    " JOIN pg_class c ON c.oid = a.attrelid"
                    " WHERE c.relname IN ('ix_products_name_trgm', 'ix_products_description_trgm')"
                )
            )
            targets = dict(found.all())
    finally:
        await engine.dispose()
    assert targets == {"ix_products_name_trgm": 1000, "ix_products_description_trgm": 1000}


@pytest.mark.parametrize(
    ("statement", "index"),
    [
        ("orders-newest", "ix_orders_created_at_id"),
        ("users-by-email", "ix_users_email_key"),
        ("users-by-name-descending", "ix_users_name_key"),
    ],
)
async def test_the_admin_lists_are_read_in_index_order(
    migrated_postgres_url: str, statement: str, index: str
) -> None:
    # Empty tables make any plan cheap: with scans and sorts priced out, the planner reads
    # the index only if it holds the page's exact order.
    from adapters.sqlalchemy.accounts.repositories import _list_statements as user_lists
    from adapters.sqlalchemy.ordering.repositories import _list_statements as order_lists

    pages = {
        "orders-newest": order_lists(False, False, "createdAt", True, False)[0],
        "users-by-email": user_lists("postgresql", False, False, None, "email", False, False)[0],
        "users-by-name-descending": user_lists(
            "postgresql", False, False, None, "name", True, False
        )[0],
    }
    sql = str(
        pages[statement]
        .params(offset=0, limit=21)
        .compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    )
    engine = create_engine(migrated_postgres_url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SET enable_seqscan = off"))
            await conn.execute(text("SET enable_sort = off"))
            plan = "\n".join(row[0] for row in await conn.execute(text("EXPLAIN " + sql)))
    finally:
        await engine.dispose()
    assert index in plan, plan
    assert "Sort" not in plan, plan


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


# The question migrations/versions/0007_blog.py asks SQLite before building the FTS5 index.
_FTS5_OPTION = "compile_options = 'ENABLE_FTS5'"


@contextmanager
def _sqlite_built_without_fts5() -> Iterator[list[str]]:
    """While open, SQLite answers that it was built without FTS5: a statement asking
    pragma_compile_options for ENABLE_FTS5 asks for an option no build has instead. Yields the
    statements so rewritten, to show the check really ran."""
    asked: list[str] = []

    def without_fts5(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> tuple[str, Any]:
        if "pragma_compile_options" in statement and _FTS5_OPTION in statement:
            asked.append(statement)
            statement = statement.replace(_FTS5_OPTION, "compile_options = 'NO_SUCH_OPTION'")
        return statement, parameters

    # On the Engine class: the migration builds its own engine, after this listens.
    event.listen(Engine, "before_cursor_execute", without_fts5, retval=True)
    try:
        yield asked
    finally:
        event.remove(Engine, "before_cursor_execute", without_fts5)


def _post(title: str, content: str) -> Post:
    return Post(
        id=uuid4(),
        slug=title.lower().replace(" ", "-"),
        title=title,
        content=content,
        excerpt=excerpt_of(content),
        published=True,
        published_at=T0,
        tags=(),
        author_id=uuid4(),
        cover_image_id=None,
        version=1,
        created_at=T0,
        updated_at=T0,
    )


async def test_sqlite_without_fts5_gets_no_index_and_the_posts_are_searched_with_like(
    tmp_path: Path,
) -> None:
    url = sqlite_url(tmp_path / "no-fts5.db")
    with _sqlite_built_without_fts5() as asked:
        await upgrade_database_async(url)

    assert len(asked) == 1  # the migration's own check, answered "no FTS5"
    state = await _inspect(url)
    assert state["tables"] == EXPECTED_TABLES
    assert state["revision"] == "0010"
    assert state["diff"] == []
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            triggers = await conn.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            )
            assert list(triggers.scalars()) == []
            # Asked on this build, which has FTS5: LIKE because the migration made no index.
            assert await search_mode(conn) is SearchMode.LIKE
        async with SqlUnitOfWork(engine) as uow:
            await uow.posts.add(_post("Harbour notes", "The old lighthouse was painted red."))
            await uow.posts.add(_post("Garden notes", "The tomatoes are ripe."))
            await uow.commit()
        async with SqlUnitOfWork(engine, read_only=True) as uow:
            found = await uow.posts.list(PostQuery(search="lighthouse"))
    finally:
        await engine.dispose()
    assert [p.title for p in found.items] == ["Harbour notes"]
    assert found.total == 1
