"""The counters context in SQL: the `counters` table and the store adding hits to it.

The store is no repository of a unit of work: each call is one statement on a short
autocommit connection of its own, so a hit never waits for, or holds, a transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    String,
    Table,
    bindparam,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.clock import SystemClock
from adapters.sqlalchemy.autocommit import AutocommitConnection
from adapters.sqlalchemy.database import READ_ONLY_OPTION
from adapters.sqlalchemy.metadata import UTCDateTime, metadata
from adapters.sqlalchemy.registry import SqlContextRepositories
from application.shared.ports import Clock
from domain.counters import CounterCount

counters = Table(
    "counters",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("count", BigInteger(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

_INSERTS: dict[str, Callable[..., Any]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}


def _hit_statement(dialect: str) -> Any:
    """INSERT ... ON CONFLICT (name) DO UPDATE SET count = counters.count + 1 RETURNING count."""
    insert = _INSERTS[dialect](counters).values(
        name=bindparam("name"),
        count=literal_column("1"),
        created_at=bindparam("now"),
        updated_at=bindparam("now"),
    )
    return insert.on_conflict_do_update(
        index_elements=[counters.c.name],
        set_={
            "count": counters.c.count + literal_column("1"),
            "updated_at": insert.excluded.updated_at,
        },
    ).returning(counters.c.count)


def _page_statement(dialect: str) -> Any:
    # Byte order on Postgres too (as Python sorts), whatever the database's locale is.
    key = counters.c.name.collate("C") if dialect == "postgresql" else counters.c.name
    return (
        select(counters.c.name, counters.c.count)
        .order_by(key)
        .offset(bindparam("offset", type_=Integer))
        .limit(bindparam("limit", type_=Integer))
    )


def _driver_statement(statement: Any, engine: AsyncEngine) -> tuple[str, Callable[[Any], Any]]:
    """The upsert's SQL for the driver (`$1` name, `$2` now) and the bind conversion of now."""
    dialect = engine.dialect
    compiled = statement.compile(dialect=dialect)
    if tuple(compiled.positiontup or ()) != ("name", "now"):
        raise RuntimeError(f"unexpected parameters of the hit upsert: {compiled.positiontup}")
    process = compiled.binds["now"].type.dialect_impl(dialect).bind_processor(dialect)
    return compiled.string, process or (lambda value: value)


_GET = select(counters.c.count).where(counters.c.name == bindparam("name"))
_TOTAL = select(func.count()).select_from(counters)


class SqlCounterStore:
    """Counters in the `counters` table: a hit is one upsert statement, atomic on its own."""

    def __init__(self, engine: AsyncEngine, clock: Clock | None = None) -> None:
        dialect = engine.dialect.name
        if dialect == "sqlite":
            # SQLite's writers queue on the file lock (BEGIN IMMEDIATE, database.py): the
            # upsert is the whole transaction. Reads take no write lock.
            self._writes = engine
            self._reads = engine.execution_options(**{READ_ONLY_OPTION: True})
        else:
            # Autocommit: the statement commits itself, no BEGIN/COMMIT round trips.
            self._writes = self._reads = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._hit = _hit_statement(dialect)
        self._page = _page_statement(dialect)
        self._clock = clock or SystemClock()
        # On asyncpg the upsert runs on the driver itself, compiled once by SQLAlchemy: it is
        # the whole of a hit, and skipping SQLAlchemy's execution is most of its cost.
        self._driver_hit = (
            _driver_statement(self._hit, engine) if engine.dialect.driver == "asyncpg" else None
        )

    async def _hit_on_driver(self, name: str) -> int:
        assert self._driver_hit is not None
        sql, now_to_driver = self._driver_hit
        connection = AutocommitConnection(self._writes)
        try:
            driver = await connection.driver()
            try:
                count = await driver.fetchval(sql, name, now_to_driver(self._clock.now()))
            except Exception as exc:
                # Not retried: the statement may have counted. The connection is dropped.
                connection.discard_driver(exc)
                raise ConnectionError(f"counter hit failed: {type(exc).__name__}") from exc
        finally:
            await connection.close()
        return int(count)

    async def hit(self, name: str) -> int:
        """Add one hit to `name`, creating the counter at 1, and return the new count."""
        if self._driver_hit is not None:
            return await self._hit_on_driver(name)
        async with self._writes.begin() as connection:
            result = await connection.execute(self._hit, {"name": name, "now": self._clock.now()})
            return int(result.scalar_one())

    async def get(self, name: str) -> int | None:
        """The count of `name`, or None when it never got a hit."""
        async with self._reads.connect() as connection:
            found = (await connection.execute(_GET, {"name": name})).scalar_one_or_none()
        return None if found is None else int(found)

    async def page(self, offset: int, limit: int) -> tuple[list[CounterCount], int]:
        """Counters ordered by name, `limit` of them from `offset`, and how many there are."""
        async with self._reads.connect() as connection:
            rows = (await connection.execute(self._page, {"offset": offset, "limit": limit})).all()
            total = (await connection.execute(_TOTAL)).scalar_one()
        return [CounterCount(name, int(count)) for name, count in rows], int(total)

    async def check(self) -> None:
        """Raise when the database can't be reached."""
        async with self._reads.connect() as connection:
            await connection.execute(text("SELECT 1"))


class SqlCountersRepositories(SqlContextRepositories):
    """The counters context has no repository in a unit of work (see SqlCounterStore); this
    registers its table with the schema."""

    REPOSITORIES = {}
