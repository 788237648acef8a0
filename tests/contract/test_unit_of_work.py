"""Contract: every UnitOfWork is one transaction that only keeps committed work."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.migrate import upgrade_database
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from application.accounts.ports import UserQuery
from application.shared.paging import PageRequest
from domain.errors import ServiceUnavailable
from tests.support.builders import make_user
from tests.support.databases import UnitOfWorkFactory, sqlite_url
from tests.support.postgres import terminate_other_connections
from tests.support.unit_of_work import repositories_the_ports_name

CONCURRENT_WRITERS = 20


async def test_a_unit_of_work_builds_every_repository_the_ports_name(
    uow_factory: UnitOfWorkFactory,
) -> None:
    uow = uow_factory()
    names = repositories_the_ports_name()

    async with uow:
        missing = {name for name in names if not hasattr(uow, name)}

    assert missing == set()
    assert set(type(uow).repository_names()) == names


async def test_work_left_uncommitted_is_rolled_back(uow_factory: UnitOfWorkFactory) -> None:
    user = make_user()

    async with uow_factory() as uow:
        await uow.users.add(user)

    async with uow_factory() as uow:
        assert await uow.users.get(user.id) is None


async def test_committed_work_is_visible_to_a_new_unit_of_work(
    uow_factory: UnitOfWorkFactory,
) -> None:
    user = make_user()

    async with uow_factory() as uow:
        await uow.users.add(user)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get(user.id) == user


async def test_rollback_discards_the_work_so_far(uow_factory: UnitOfWorkFactory) -> None:
    kept, discarded = make_user("kept@example.com"), make_user("discarded@example.com")

    async with uow_factory() as uow:
        await uow.users.add(kept)
        await uow.commit()
        await uow.users.add(discarded)
        await uow.rollback()

    async with uow_factory() as uow:
        assert await uow.users.get(kept.id) == kept
        assert await uow.users.get(discarded.id) is None


async def test_an_error_rolls_back_and_propagates(uow_factory: UnitOfWorkFactory) -> None:
    user = make_user()

    with pytest.raises(LookupError):
        async with uow_factory() as uow:
            await uow.users.add(user)
            raise LookupError("boom")

    async with uow_factory() as uow:
        assert await uow.users.get(user.id) is None


async def test_one_unit_of_work_can_be_entered_again_after_leaving(
    uow_factory: UnitOfWorkFactory,
) -> None:
    uow = uow_factory()
    first, second = make_user("first@example.com"), make_user("second@example.com")

    async with uow:
        await uow.users.add(first)
        await uow.commit()
    async with uow:
        await uow.users.add(second)
        await uow.commit()
    async with uow:
        found = [await uow.users.get(first.id), await uow.users.get(second.id)]

    assert found == [first, second]


async def test_concurrent_read_then_write_transactions_all_succeed(
    uow_factory: UnitOfWorkFactory,
) -> None:
    # The registration shape: look the email up, then insert. On SQLite this is what fails
    # with "database is locked" unless writers are serialized from the start.
    async def register(n: int) -> None:
        email = f"user{n}@example.com"
        async with uow_factory() as uow:
            assert await uow.users.get_by_email(email) is None
            await asyncio.sleep(0)
            await uow.users.add(make_user(email))
            await uow.commit()

    await asyncio.gather(*(register(n) for n in range(CONCURRENT_WRITERS)))

    async with uow_factory() as uow:
        page = await uow.users.list(UserQuery(page=PageRequest(limit=100)))
    assert page.total == CONCURRENT_WRITERS


@pytest.mark.parametrize("read_only", [False, True], ids=["writer", "reader"])
@pytest.mark.parametrize(
    "url",
    [
        # Nothing listens on port 1; the connection is refused at once.
        "postgresql+asyncpg://postgres@127.0.0.1:1/hexashop",
        # The server answers, but the database is not there (SQLSTATE 3D000).
        "postgresql+asyncpg://postgres@127.0.0.1:5432/hexashop_missing_database",
    ],
    ids=["refused", "no-database"],
)
async def test_unreachable_database_is_reported_as_service_unavailable(
    url: str, read_only: bool
) -> None:
    engine = create_engine(url)
    uow = SqlUnitOfWork(engine, read_only=read_only)
    try:
        with pytest.raises(ServiceUnavailable):
            async with uow:
                pass
    finally:
        await engine.dispose()


async def test_connections_killed_by_postgres_cost_one_503_then_the_pool_recovers(
    postgres_uow_factory: UnitOfWorkFactory, migrated_postgres_url: str
) -> None:
    user = make_user()
    async with postgres_uow_factory() as uow:
        await uow.users.add(user)
        await uow.commit()
    await terminate_other_connections(migrated_postgres_url)

    with pytest.raises(ServiceUnavailable):
        async with postgres_uow_factory() as uow:
            await uow.users.get(user.id)
    async with postgres_uow_factory() as uow:
        found = await uow.users.get(user.id)

    assert found == user


async def test_sqlite_engine_creates_the_folder_and_configures_each_connection(
    tmp_path: Path,
) -> None:
    engine = create_engine(sqlite_url(tmp_path / "new" / "folder" / "app.db"))
    try:
        async with engine.connect() as conn:
            pragmas = [
                (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar_one()
                for name in ("foreign_keys", "journal_mode", "busy_timeout", "synchronous")
            ]
    finally:
        await engine.dispose()

    assert (tmp_path / "new" / "folder").is_dir()
    # synchronous=NORMAL reads back as 1.
    assert pragmas == [1, "wal", 5000, 1]


def test_migrations_can_run_from_inside_an_event_loop(tmp_path: Path) -> None:
    async def migrate_inside_loop() -> None:
        upgrade_database(sqlite_url(tmp_path / "inside.db"))

    asyncio.run(migrate_inside_loop())

    with closing(sqlite3.connect(tmp_path / "inside.db")) as db:
        revision = db.execute("SELECT version_num FROM alembic_version").fetchall()
    assert revision == [("0010",)]


async def test_a_read_only_unit_of_work_sees_committed_work_and_cannot_commit(
    uow_factory: UnitOfWorkFactory,
) -> None:
    user = make_user()
    async with uow_factory() as uow:
        await uow.users.add(user)
        await uow.commit()

    async with uow_factory.read_only() as reader:
        assert await reader.users.get(user.id) == user
        with pytest.raises(RuntimeError, match="read-only"):
            await reader.commit()


async def test_readers_do_not_wait_for_an_open_writer(sql_uow_factory: UnitOfWorkFactory) -> None:
    # On SQLite a writer holds the database's write lock for its whole transaction; readers
    # must still be served (from the last committed snapshot) instead of queueing behind it.
    committed = make_user("committed@example.com")
    async with sql_uow_factory() as uow:
        await uow.users.add(committed)
        await uow.commit()

    async with sql_uow_factory() as writer:
        await writer.users.add(make_user("pending@example.com"))
        async with asyncio.timeout(2):
            async with sql_uow_factory.read_only() as reader:
                assert await reader.users.get(committed.id) == committed
                assert await reader.users.get_by_email("pending@example.com") is None
