"""Contract: a read-only unit of work reads exactly what a writing one reads.

On Postgres, read-only units of work run their hot SELECTs straight on the asyncpg
connection (adapters/sqlalchemy/reader.py) while writing ones go through SQLAlchemy, so
comparing the two over every query shape proves the direct path returns the same domain
objects, with the same types. Memory and SQLite take one path and must agree too.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    TypeDecorator,
    bindparam,
    cast,
    event,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from adapters.sqlalchemy import reader as reader_module
from adapters.sqlalchemy.accounts.repositories import _FAILURES_SINCE, _USER_BY_EMAIL, _USER_BY_ID
from adapters.sqlalchemy.accounts.tables import users
from adapters.sqlalchemy.catalog import _PRODUCT_BY_ID, _list_statements
from adapters.sqlalchemy.reader import driver_statement
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from application.blog.ports import PostQuery
from application.catalog.ports import ProductQuery
from application.shared.paging import PageRequest, Sort
from tests.support.builders import T0, make_product, make_user
from tests.support.databases import UnitOfWorkFactory
from tests.support.postgres import terminate_other_connections
from tests.support.statements import count_statements

_QUERIES = [
    ProductQuery(),
    ProductQuery(include_inactive=True),
    ProductQuery(search="mug"),
    ProductQuery(search="100%_"),
    ProductQuery(min_price=500, max_price=1500),
    ProductQuery(min_price=1000),
    ProductQuery(max_price=999),
    ProductQuery(in_stock=True),
    ProductQuery(in_stock=False, include_inactive=True),
    ProductQuery(sort=Sort("name")),
    ProductQuery(sort=Sort("priceCents", descending=True)),
    ProductQuery(sort=Sort("createdAt", descending=True), page=PageRequest(page=2, limit=3)),
    ProductQuery(page=PageRequest(page=50, limit=10)),
]


async def _seed(uow_factory: UnitOfWorkFactory) -> tuple[list[UUID], list[str]]:
    catalog = [
        make_product("Blue Mug", price_cents=900, image_ids=[uuid4(), uuid4()]),
        make_product("red mug", price_cents=1500, stock=0),
        make_product("Teapot", price_cents=1000, description="Holds a mug of tea"),
        make_product("Sale 100%_ off", price_cents=500),
        make_product("Retired", price_cents=700, active=False, stock=0),
        make_product("Kettle", price_cents=4200, description="Ünïcode ✓"),
    ]
    catalog = [
        replace(p, created_at=T0 + timedelta(minutes=n), updated_at=T0 + timedelta(hours=n))
        for n, p in enumerate(catalog)
    ]
    signed_out = make_user("bo@example.com", name=None)
    signed_out.tokens_valid_after = T0 + timedelta(seconds=1, microseconds=7)
    people = [make_user("ana@example.com"), signed_out, make_user("cy@example.com", active=False)]
    async with uow_factory() as uow:
        for product in catalog:
            await uow.products.add(product)
        for user in people:
            await uow.users.add(user)
        await uow.commit()
    return [p.id for p in catalog], [u.email for u in people]


async def test_product_lists_are_the_same_through_a_read_only_unit_of_work(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _seed(uow_factory)

    for query in _QUERIES:
        async with uow_factory() as writer:
            expected = await writer.products.list(query)
        async with uow_factory.read_only() as reader:
            seen = await reader.products.list(query)
        assert seen == expected, query


async def test_products_and_users_are_the_same_through_a_read_only_unit_of_work(
    uow_factory: UnitOfWorkFactory,
) -> None:
    product_ids, emails = await _seed(uow_factory)

    async with uow_factory() as writer:
        expected_products = [await writer.products.get(i) for i in [*product_ids, uuid4()]]
        expected_users = [await writer.users.get_by_email(e) for e in [*emails, "no@x.org"]]
        expected_by_id = [await writer.users.get(u.id) for u in expected_users if u]
    async with uow_factory.read_only() as reader:
        products_seen = [await reader.products.get(i) for i in [*product_ids, uuid4()]]
        users_seen = [await reader.users.get_by_email(e) for e in [*emails, "NO@x.org"]]
        by_id_seen = [await reader.users.get(u.id) for u in expected_users if u]

    assert products_seen == expected_products and expected_products[-1] is None
    assert users_seen == expected_users and expected_users[-1] is None
    assert by_id_seen == expected_by_id
    # Same types, not only equal values: aware UTC datetimes, UUIDs, lists of UUIDs.
    for product in products_seen[:-1]:
        assert product is not None
        assert isinstance(product.id, UUID)
        assert product.created_at.utcoffset() == timedelta(0) and product.created_at.tzinfo
        assert all(isinstance(image_id, UUID) for image_id in product.image_ids)
    signed_out = users_seen[1]
    assert signed_out is not None and signed_out.tokens_valid_after is not None
    assert signed_out.tokens_valid_after.astimezone(UTC) == T0 + timedelta(
        seconds=1, microseconds=7
    )
    assert signed_out.tokens_valid_after.utcoffset() == timedelta(0)


async def test_login_failures_are_the_same_through_a_read_only_unit_of_work(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        for seconds in (5, 1, 9, 3):
            await uow.login_attempts.record_failure("ana|1.2.3.4", T0 + timedelta(seconds=seconds))
        await uow.login_attempts.record_failure("bo|1.2.3.4", T0 + timedelta(seconds=4))
        await uow.commit()
    since = (T0 + timedelta(seconds=2)).astimezone(timezone(timedelta(hours=-5)))

    async with uow_factory() as writer:
        expected = await writer.login_attempts.failures_since("ana|1.2.3.4", since)
    async with uow_factory.read_only() as reader:
        seen = await reader.login_attempts.failures_since("ana|1.2.3.4", since)

    assert seen == expected == [T0 + timedelta(seconds=s) for s in (3, 5, 9)]
    assert all(moment.utcoffset() == timedelta(0) for moment in seen)


async def test_a_read_only_list_runs_two_statements_on_every_backend(
    sql_uow_factory: UnitOfWorkFactory,
) -> None:
    await _seed(sql_uow_factory)

    async with count_statements(sql_uow_factory) as counter, sql_uow_factory.read_only() as uow:
        await uow.products.list(ProductQuery(search="mug", min_price=1))

    assert counter.count == 2, counter.statements


async def test_read_only_reads_on_postgres_bypass_sqlalchemy_execution(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    product_ids, _ = await _seed(postgres_uow_factory)
    engine = postgres_uow_factory.engine
    assert engine is not None
    through_sqlalchemy: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        through_sqlalchemy.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
    try:
        async with postgres_uow_factory.read_only() as uow:
            await uow.products.list(ProductQuery(search="mug"))
            await uow.products.get(product_ids[0])
        async with postgres_uow_factory() as uow:
            await uow.products.get(product_ids[0])
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", on_execute)

    # Only the writing unit of work's statement went through SQLAlchemy.
    assert len(through_sqlalchemy) == 1, through_sqlalchemy


async def test_searches_are_planned_for_their_words_not_with_a_generic_plan(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    # A named (cached) statement gets a generic plan after five runs, estimated for no word
    # in particular; a search runs as the unnamed statement, planned at every call for its
    # word, so it never becomes one of the connection's named prepared statements.
    await _seed(postgres_uow_factory)
    async with postgres_uow_factory.read_only() as uow:
        for word in ("mug", "tea", "mug", "kettle", "mug", "sale", "mug", "red"):
            await uow.products.list(ProductQuery(search=word))
            await uow.products.list(ProductQuery())
            await uow.posts.list(PostQuery(search=word))
        connection: Any = uow._connection  # type: ignore[union-attr]  # its autocommit one
        driver = await connection.driver()
        prepared = [
            row["statement"]
            for row in await driver.fetch("SELECT statement FROM pg_prepared_statements")
        ]

    assert any("FROM products" in sql for sql in prepared), prepared  # the unsearched list
    assert not any("LIKE" in sql or "websearch" in sql for sql in prepared), prepared


async def test_a_connection_lost_under_a_direct_read_is_replaced_and_the_read_succeeds(
    postgres_uow_factory: UnitOfWorkFactory, migrated_postgres_url: str
) -> None:
    await _seed(postgres_uow_factory)
    async with postgres_uow_factory.read_only() as warm:  # a pooled connection to kill
        await warm.products.list(ProductQuery())

    async with postgres_uow_factory.read_only() as uow:
        await terminate_other_connections(migrated_postgres_url)
        # The direct read fails on the dead connection, which is closed; SQLAlchemy then
        # runs the statement on a new one.
        first = await uow.products.list(ProductQuery())
    async with postgres_uow_factory.read_only() as uow:
        again = await uow.products.list(ProductQuery())

    assert first.total == again.total == 5


async def test_a_read_only_unit_of_work_holds_one_pooled_connection_at_a_time(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    product_ids, _ = await _seed(postgres_uow_factory)
    engine = postgres_uow_factory.engine
    assert engine is not None
    pool: Any = engine.sync_engine.pool
    before = pool.checkedout()

    async with postgres_uow_factory.read_only() as uow:
        await uow.products.get(product_ids[0])  # direct, on a bare pooled connection
        during_direct = pool.checkedout()
        await uow.products.get_many(product_ids)  # needs SQLAlchemy: the connection is traded
        during_sqlalchemy = pool.checkedout()
        await uow.products.get(product_ids[1])  # direct again, on SQLAlchemy's connection
        after_both = pool.checkedout()

    assert during_direct == during_sqlalchemy == after_both == before + 1
    assert pool.checkedout() == before


# --- which statements run directly -----------------------------------------------------------

_ASYNCPG = asyncpg_dialect()


@pytest.mark.parametrize(
    "statement",
    [
        _USER_BY_ID,
        _USER_BY_EMAIL,
        _PRODUCT_BY_ID,
        _FAILURES_SINCE,
        *_list_statements("postgresql", False, True, True, True, True, "name", True, True),
    ],
    ids=["user-by-id", "user-by-email", "product-by-id", "failures", "list-page", "list-count"],
)
def test_the_hot_statements_run_directly_on_asyncpg(statement: Any) -> None:
    plan = driver_statement(statement, _ASYNCPG)

    assert plan is not None
    compiled = statement.compile(dialect=_ASYNCPG)
    assert plan.sql == compiled.string
    assert list(plan.parameter_names) == list(compiled.positiontup)


def test_parameters_get_sqlalchemys_conversions_on_the_direct_path() -> None:
    statement = select(users.c.id).where(
        users.c.created_at > bindparam("moment", type_=users.c.created_at.type)
    )
    plan = driver_statement(statement, _ASYNCPG)
    assert plan is not None
    moment = datetime(2026, 1, 1, 13, 0, tzinfo=timezone(timedelta(hours=1)))

    (converted,) = plan.arguments({"moment": moment})

    assert converted == moment and converted.utcoffset() == timedelta(0)
    # UTCDateTime still refuses naive datetimes, as on SQLAlchemy's path.
    with pytest.raises(ValueError, match="naive"):
        plan.arguments({"moment": datetime(2026, 1, 1)})


class _TextDate(TypeDecorator[str]):
    """A type with a result conversion on every dialect."""

    impl = String
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> str:
        """Text."""
        return str(value)


def test_statements_sqlalchemy_must_run_do_not_run_directly() -> None:
    table = Table("t", MetaData(), Column("n", Integer), Column("at", users.c.created_at.type))
    refused = [
        # IN lists expand per call.
        select(table.c.n).where(table.c.n.in_(bindparam("ns", expanding=True))),
        # A column SQLAlchemy converts on the way out (here a decorated type).
        select(table.c.n, cast(table.c.n, _TextDate())),
    ]

    assert [driver_statement(statement, _ASYNCPG) for statement in refused] == [None] * 2


@pytest.mark.parametrize(
    "dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "psycopg"]
)
def test_other_drivers_always_go_through_sqlalchemy(dialect: Any) -> None:
    assert driver_statement(_USER_BY_ID, dialect) is None


@pytest.fixture
def fresh_fallback_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget which fallbacks were logged and which statements were compiled, so this test
    sees its own."""
    monkeypatch.setattr(reader_module, "_logged_fallbacks", set())
    driver_statement.cache_clear()


@pytest.mark.usefixtures("fresh_fallback_log")
def test_a_statement_that_needs_sqlalchemy_is_logged_once_without_its_values(
    caplog: pytest.LogCaptureFixture,
) -> None:
    table = Table("t", MetaData(), Column("n", Integer))
    statement = select(table.c.n).where(table.c.n.in_([12345, 67890]))

    with caplog.at_level(logging.INFO, logger="adapters.sqlalchemy.reader"):
        for _ in range(3):
            assert driver_statement(statement, _ASYNCPG) is None
            driver_statement.cache_clear()  # compiled again, and not logged again

    fallbacks = [r for r in caplog.records if r.name == "adapters.sqlalchemy.reader"]
    assert len(fallbacks) == 1, caplog.text
    assert fallbacks[0].levelno == logging.INFO
    assert "expands" in fallbacks[0].getMessage()
    assert "12345" not in caplog.text and "67890" not in caplog.text


@pytest.mark.usefixtures("fresh_fallback_log")
async def test_a_failed_direct_read_is_logged_once_as_a_warning_without_its_values(
    postgres_uow_factory: UnitOfWorkFactory,
    migrated_postgres_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _seed(postgres_uow_factory)
    with caplog.at_level(logging.INFO, logger="adapters.sqlalchemy.reader"):
        for _ in range(2):
            async with postgres_uow_factory.read_only() as warm:  # pooled connections to kill
                await warm.users.get_by_email("ana@example.com")
            await terminate_other_connections(migrated_postgres_url)
            async with postgres_uow_factory.read_only() as uow:
                found = await uow.users.get_by_email("ana@example.com")
            assert found is not None

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, caplog.text
    assert "ana@example.com" not in caplog.text


async def test_with_direct_reads_off_every_read_goes_through_sqlalchemy(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    product_ids, _ = await _seed(postgres_uow_factory)
    engine = postgres_uow_factory.engine
    assert engine is not None
    through_sqlalchemy: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        through_sqlalchemy.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
    try:
        async with SqlUnitOfWork(engine, read_only=True, direct_reads=False) as uow:
            page = await uow.products.list(ProductQuery(search="mug"))
            product = await uow.products.get(product_ids[0])
            with pytest.raises(RuntimeError, match="read-only"):
                await uow.commit()
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", on_execute)
    async with postgres_uow_factory.read_only() as direct:
        assert await direct.products.list(ProductQuery(search="mug")) == page
        assert await direct.products.get(product_ids[0]) == product

    assert len(through_sqlalchemy) == 3, through_sqlalchemy  # page, count, product


async def test_a_write_that_needs_a_savepoint_is_refused_on_a_read_only_unit_of_work(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    async with postgres_uow_factory.read_only() as uow:
        with pytest.raises(RuntimeError, match="read-only unit of work cannot write"):
            await uow.users.add(make_user("new@example.com"))

    async with postgres_uow_factory() as uow:
        assert await uow.users.get_by_email("new@example.com") is None
