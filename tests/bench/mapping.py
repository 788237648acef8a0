"""Micro benchmark: 1000 product and user rows to entities, entities to values and to views.

`python -m tests.bench.mapping`. Rows come from the three places repositories get them:
asyncpg Records (the direct read path), SQLAlchemy row mappings on Postgres and on SQLite.
Prints the best of several rounds, in µs per 1000 rows. A report, not a test.
"""

from __future__ import annotations

import asyncio
import tempfile
import timeit
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sqlalchemy.accounts.repositories import _USER
from adapters.sqlalchemy.accounts.tables import users
from adapters.sqlalchemy.catalog import _PRODUCT, products
from adapters.sqlalchemy.metadata import metadata
from application.accounts.views import UserView
from application.catalog.views import ProductView
from domain.accounts import Role, Tier, User
from domain.catalog import Product
from tests.support.postgres import throwaway_database

ROWS = 1000
ROUNDS = 7
T0 = datetime(2024, 1, 1, tzinfo=UTC)
TARGETS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "product": {
        "entity": _PRODUCT.entity,
        "values": _PRODUCT.values,
        "view": lambda product: ProductView.from_product(product, "USD"),
    },
    "user": {"entity": _USER.entity, "values": _USER.values, "view": UserView.from_user},
}


def _products() -> list[Product]:
    return [
        Product(
            id=uuid4(),
            name=f"Product {n}",
            description="A thing",
            price_cents=100 + n,
            stock=n,
            active=True,
            created_at=T0 + timedelta(seconds=n),
            updated_at=T0 + timedelta(seconds=n),
            image_ids=[uuid4(), uuid4()],
        )
        for n in range(ROWS)
    ]


def _users() -> list[User]:
    return [
        User(
            id=uuid4(),
            email=f"user{n}@example.com",
            name=f"User {n}",
            password_hash="$argon2id$x",
            role=Role.CUSTOMER,
            tier=Tier.STANDARD,
            email_verified=True,
            active=True,
            created_at=T0,
            updated_at=T0,
        )
        for n in range(ROWS)
    ]


async def _rows(url: str, entities: dict[str, list[Any]]) -> dict[str, Sequence[Any]]:
    """Insert the entities, then read them back as SQLAlchemy mappings (and asyncpg Records)."""
    engine = create_async_engine(url)
    out: dict[str, Sequence[Any]] = {}
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all, tables=[products, users])
            for name, table in (("product", products), ("user", users)):
                values = TARGETS[name]["values"]
                await conn.execute(insert(table), [values(e) for e in entities[name]])
        async with engine.connect() as conn:
            for name, table in (("product", products), ("user", users)):
                out[name] = (await conn.execute(select(table))).mappings().all()
            if engine.dialect.driver == "asyncpg":
                raw = await conn.get_raw_connection()
                driver = raw.driver_connection
                assert driver is not None
                out["product_record"] = await driver.fetch("SELECT * FROM products")
                out["user_record"] = await driver.fetch("SELECT * FROM users")
    finally:
        await engine.dispose()
    return out


def _best(run: Callable[[], object]) -> float:
    """Best time of ROUNDS rounds, in µs."""
    return min(timeit.repeat(run, number=1, repeat=ROUNDS)) * 1e6


def _report(label: str, rows: Sequence[Any], mapper: Callable[[Any], Any]) -> None:
    print(f"  {label:<38} {_best(lambda: [mapper(r) for r in rows]):9.0f} µs")


async def main() -> None:
    """Print the timings."""
    entities: dict[str, list[Any]] = {"product": _products(), "user": _users()}
    async with throwaway_database("hexashop_bench") as pg_url:
        pg = await _rows(pg_url, entities)
    with tempfile.TemporaryDirectory() as folder:
        sqlite = await _rows(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", entities)
    print(f"mapping {ROWS} rows, best of {ROUNDS} rounds")
    for name in ("product", "user"):
        entity = TARGETS[name]["entity"]
        _report(f"{name}: asyncpg Record -> entity", pg[f"{name}_record"], entity)
        _report(f"{name}: Postgres RowMapping -> entity", pg[name], entity)
        _report(f"{name}: SQLite RowMapping -> entity", sqlite[name], entity)
        _report(f"{name}: entity -> values", entities[name], TARGETS[name]["values"])
        _report(f"{name}: entity -> view", entities[name], TARGETS[name]["view"])


if __name__ == "__main__":
    asyncio.run(main())
