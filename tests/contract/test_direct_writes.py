"""Contract: the writes a unit of work runs on asyncpg itself are the unit of work's.

On Postgres the order path's writes (the stock reservation, the order and its line) go
straight to the driver inside the writing unit of work's transaction
(`Reader.write`, `TransactionDriver` in adapters/sqlalchemy/autocommit.py). These pin what
that must never change: they commit and roll back with the unit of work (after a commit too),
SQLAlchemy's execution never sees them, a driver error surfaces as SQLAlchemy's would (its
values hidden), and a lost connection is the same 503 as on SQLAlchemy's path.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from adapters.sqlalchemy.catalog import products
from adapters.sqlalchemy.ordering.repositories import _INSERT_LINES
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from domain.errors import ServiceUnavailable
from tests.support.builders import make_order, make_product, make_user
from tests.support.databases import UnitOfWorkFactory
from tests.support.postgres import terminate_other_connections
from tests.support.statements import sqlalchemy_executions


async def _stock(factory: UnitOfWorkFactory, product_id: Any) -> int:
    engine = factory.engine
    assert engine is not None
    async with engine.connect() as conn:
        found = await conn.execute(select(products.c.stock).where(products.c.id == product_id))
        return int(found.scalar_one())


async def _product(factory: UnitOfWorkFactory, stock: int = 5) -> Any:
    product = make_product("Mug", stock=stock)
    async with factory() as uow:
        await uow.products.add(product)
        await uow.commit()
    return product


async def test_a_direct_write_rolls_back_with_its_unit_of_work(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    product = await _product(postgres_uow_factory)

    async with postgres_uow_factory() as uow:
        assert await uow.products.try_reserve(product.id, 2) is not None
        # Left without commit: rolled back.

    assert await _stock(postgres_uow_factory, product.id) == 5


async def test_direct_writes_commit_with_their_unit_of_work_after_a_commit_too(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    product = await _product(postgres_uow_factory)

    async with postgres_uow_factory() as uow:
        await uow.products.try_reserve(product.id, 1)
        await uow.commit()
        # A new transaction after the commit: committed by the second commit only.
        await uow.products.try_reserve(product.id, 1)
        assert await _stock(postgres_uow_factory, product.id) == 4
        await uow.commit()
        await uow.products.try_reserve(product.id, 1)  # never committed

    assert await _stock(postgres_uow_factory, product.id) == 3


async def test_a_direct_write_sees_the_unit_of_works_earlier_sqlalchemy_writes(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    # The SQLAlchemy insert and the direct update share one transaction: the update finds
    # the uncommitted row, and both roll back together.
    product = make_product("Bowl", stock=3)
    async with postgres_uow_factory() as uow:
        await uow.products.add(product)
        reserved = await uow.products.try_reserve(product.id, 3)
        assert reserved is not None and reserved.stock == 0

    async with postgres_uow_factory.read_only() as uow:
        assert await uow.products.get(product.id) is None


async def test_the_order_path_writes_bypass_sqlalchemy_execution(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    product = await _product(postgres_uow_factory)
    customer = make_user("buyer@example.com")
    async with postgres_uow_factory() as uow:
        await uow.users.add(customer)
        await uow.commit()
    engine = postgres_uow_factory.engine
    assert engine is not None

    with sqlalchemy_executions(engine) as through_sqlalchemy:
        async with postgres_uow_factory() as uow:
            await uow.products.try_reserve(product.id, 2)
            await uow.orders.add(make_order(customer.id, [(product, 2)]))
            await uow.commit()

    assert through_sqlalchemy == []
    assert await _stock(postgres_uow_factory, product.id) == 3


async def test_a_driver_error_is_raised_as_sqlalchemys_with_its_values_hidden(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    order = make_order(make_user("x@example.com").id)
    line = order.lines[0]
    secret_name = "Sekret-Name-7731"
    values = {
        "order_id": order.id,  # no such order: the foreign key refuses the line
        "position": 0,
        "product_id": line.product_id,
        "name": secret_name,
        "unit_price_cents": line.unit_price_cents,
        "quantity": line.quantity,
    }
    with pytest.raises(IntegrityError) as raised:
        async with postgres_uow_factory() as uow:
            await uow.orders._reader.write(_INSERT_LINES, values)  # type: ignore[attr-defined]

    driver_error = raised.value.orig
    assert driver_error is not None
    assert isinstance(driver_error.__cause__, asyncpg.ForeignKeyViolationError)
    assert secret_name not in str(raised.value)


async def test_a_connection_lost_under_a_direct_write_is_a_503(
    postgres_uow_factory: UnitOfWorkFactory, migrated_postgres_url: str
) -> None:
    product = await _product(postgres_uow_factory)

    with pytest.raises(ServiceUnavailable):
        async with postgres_uow_factory() as uow:
            await terminate_other_connections(migrated_postgres_url)
            await uow.products.try_reserve(product.id, 1)

    # The dead connection left the pool: the next unit of work works.
    async with postgres_uow_factory() as uow:
        assert await uow.products.try_reserve(product.id, 1) is not None
        await uow.commit()
    assert await _stock(postgres_uow_factory, product.id) == 4


async def test_with_direct_reads_off_the_writes_go_through_sqlalchemy_and_do_the_same(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    product = await _product(postgres_uow_factory)
    engine = postgres_uow_factory.engine
    assert engine is not None

    with sqlalchemy_executions(engine) as through_sqlalchemy:
        async with SqlUnitOfWork(engine, direct_reads=False) as uow:
            reserved = await uow.products.try_reserve(product.id, 2)
            refused = await uow.products.try_reserve(product.id, 4)
            await uow.commit()

    assert reserved is not None and reserved.stock == 3
    assert refused is None
    assert [sql.split()[0] for sql in through_sqlalchemy] == ["UPDATE", "UPDATE"]
    assert await _stock(postgres_uow_factory, product.id) == 3


async def test_a_writer_on_a_warm_pool_hops_into_the_greenlet_only_to_commit(
    postgres_uow_factory: UnitOfWorkFactory, hops: list[str]
) -> None:
    product = await _product(postgres_uow_factory)
    engine = postgres_uow_factory.engine
    assert engine is not None
    hops.clear()
    checked_in = engine.pool.checkedin()  # type: ignore[attr-defined]

    async with postgres_uow_factory() as uow:
        assert await uow.products.try_reserve(product.id, 2) is not None
        await uow.commit()

    # Only committing awaits the server through SQLAlchemy: taking the idle connection,
    # beginning, reaching the driver and closing are plain calls.
    assert hops == ["commit"]
    assert engine.pool.checkedin() == checked_in  # type: ignore[attr-defined]
    assert await _stock(postgres_uow_factory, product.id) == 3


async def test_a_writer_connects_through_the_greenlet_when_connecting_may_await(
    migrated_postgres_url: str, hops: list[str]
) -> None:
    from sqlalchemy import event

    from adapters.sqlalchemy.database import create_engine

    engine = create_engine(migrated_postgres_url, pool_size=2)
    connected: list[object] = []
    try:
        async with SqlUnitOfWork(engine) as uow:  # no idle connection yet: it connects
            await uow.users.add(make_user("first@example.com"))
            await uow.commit()
        # A listener on connecting may do I/O, so with one the writer keeps the greenlet.
        event.listen(engine.sync_engine, "engine_connect", connected.append)
        async with SqlUnitOfWork(engine) as uow:
            await uow.users.add(make_user("second@example.com"))
            await uow.commit()

        assert hops.count("connect") == 2  # (adding a user also runs in a savepoint)
        assert len(connected) == 1
    finally:
        await engine.dispose()


async def test_work_after_a_commit_left_uncommitted_still_rolls_back_on_exit(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    product = await _product(postgres_uow_factory)

    async with postgres_uow_factory() as uow:
        assert await uow.products.try_reserve(product.id, 1) is not None
        await uow.commit()
        assert await uow.products.try_reserve(product.id, 3) is not None
        # An open transaction again: closing must roll it back, through the greenlet.

    assert await _stock(postgres_uow_factory, product.id) == 4
