"""Units of work on every persistence backend, for contract tests and SQL-backed specs."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.schema import metadata
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from tests.support.unit_of_work import AnyUnitOfWork

BACKENDS = ("memory", "sqlite", "postgres")
SQL_BACKENDS = ("sqlite", "postgres")


@dataclass(frozen=True)
class UnitOfWorkFactory:
    """Makes a fresh unit of work on one backend; `backend` names it for backend-specific checks."""

    backend: str
    make: Callable[[], AnyUnitOfWork]
    engine: AsyncEngine | None = None  # the SQL backends' engine, e.g. to count statements
    make_read_only: Callable[[], AnyUnitOfWork] | None = None

    def __call__(self) -> AnyUnitOfWork:
        """A new, not yet entered, unit of work."""
        return self.make()

    def read_only(self) -> AnyUnitOfWork:
        """A new unit of work for queries, as the container gives read-only use cases."""
        assert self.make_read_only is not None
        return self.make_read_only()


def sqlite_url(path: Path) -> str:
    """The aiosqlite URL of a database file."""
    return f"sqlite+aiosqlite:///{path}"


def copy_sqlite_database(template: Path, target: Path) -> Path:
    """Copy a migrated SQLite file (and its WAL, if any): much faster than migrating again."""
    shutil.copyfile(template, target)
    for suffix in ("-wal", "-shm"):
        side = template.with_name(template.name + suffix)
        if side.exists():
            shutil.copyfile(side, target.with_name(target.name + suffix))
    return target


def memory_factory() -> UnitOfWorkFactory:
    """Units of work sharing one in-memory store."""
    store = MemoryStore()
    # cast: MemoryUnitOfWork declares concrete repository types, which mypy's invariant
    # protocol attributes refuse although they satisfy the ports.
    return UnitOfWorkFactory(
        "memory",
        lambda: cast(AnyUnitOfWork, MemoryUnitOfWork(store)),
        make_read_only=lambda: cast(AnyUnitOfWork, MemoryUnitOfWork(store, read_only=True)),
    )


async def truncate_all(url: str) -> None:
    """Empty every application table of a Postgres database (keeps alembic_version)."""
    engine = create_engine(url)
    try:
        names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@asynccontextmanager
async def sql_factory(backend: str, url: str) -> AsyncIterator[UnitOfWorkFactory]:
    """Units of work on an already migrated SQL database; the engine is disposed afterwards."""
    engine = create_engine(url)
    try:
        yield UnitOfWorkFactory(
            backend,
            lambda: SqlUnitOfWork(engine),
            engine,
            make_read_only=lambda: SqlUnitOfWork(engine, read_only=True),
        )
    finally:
        await engine.dispose()
