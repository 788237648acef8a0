"""Over HTTP on Postgres, with direct asyncpg reads on (the default) and off (DB_DIRECT_READS):
the catalog, orders and accounts read back the same."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from sqlalchemy import event

from application.accounts.commands import CreateUserCommand
from application.catalog.commands import CreateProductCommand
from application.shared.actor import Actor
from domain.accounts import Role
from entrypoints.containers import Container, close_container
from entrypoints.http.app import create_app
from tests.integration.conftest import API, PASSWORD, bearer, make_container, make_settings
from tests.support.databases import truncate_all
from tests.support.fakes import RecordingMailer

pytestmark = pytest.mark.postgres

# Every read a customer, a visitor and an admin make of what they placed and sell.
READS = [
    ("visitor", "/products"),
    ("visitor", "/products?search=mug&sort=-priceCents&limit=2"),
    ("visitor", "/products?inStock=true&minPrice=500&page=2&limit=1"),
    ("customer", "/me"),
    ("customer", "/orders"),
    ("admin", "/orders?status=pending"),
    ("admin", "/users?sort=email"),
    ("admin", "/products?includeInactive=true"),
]


@asynccontextmanager
async def _serving(
    tmp_path: Path, url: str, direct_reads: bool
) -> AsyncIterator[tuple[httpx.AsyncClient, Container, list[str]]]:
    """The app on Postgres, and the statements SQLAlchemy itself executes meanwhile."""
    settings = msgspec.structs.replace(make_settings(tmp_path, url), db_direct_reads=direct_reads)
    container = make_container(settings, RecordingMailer())
    through_sqlalchemy: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        through_sqlalchemy.append(statement)

    engine = container.core.engine().sync_engine
    event.listen(engine, "before_cursor_execute", on_execute)
    # httpx runs the app on this event loop, where the asyncpg pool lives (Litestar's
    # AsyncTestClient would run it in a portal thread's loop).
    transport = httpx.ASGITransport(app=create_app(container))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client, container, through_sqlalchemy
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        await close_container(container)


async def _log_in(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    response = await client.post(f"{API}/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return bearer(response.json()["accessToken"])


async def _seed(client: httpx.AsyncClient, container: Container) -> None:
    for email, role in (("admin@example.com", Role.ADMIN), ("ana@example.com", Role.CUSTOMER)):
        command = CreateUserCommand(email=email, password=PASSWORD, name=email[:3], role=role)
        await container.accounts.create_user()(Actor.system(), command)
    mugs = []
    for name, price, stock, active in (
        ("Blue Mug", 600, 10, True),
        ("Red Mug", 900, 0, True),
        ("Teapot", 2500, 3, True),
        ("Old Mug", 400, 5, False),
    ):
        command = CreateProductCommand(
            name=name, price_cents=price, stock=stock, description="", active=active
        )
        mugs.append(await container.catalog.create_product()(Actor.system(), command))
    customer = await _log_in(client, "ana@example.com")
    for product, quantity in ((mugs[0], 2), (mugs[2], 1)):
        body = {"items": [{"productId": str(product.id), "quantity": quantity}]}
        placed = await client.post(f"{API}/orders", json=body, headers=customer)
        assert placed.status_code == 201, placed.text


async def _read_everything(client: httpx.AsyncClient) -> list[Any]:
    callers = {
        "visitor": {},
        "customer": await _log_in(client, "ana@example.com"),
        "admin": await _log_in(client, "admin@example.com"),
    }
    bodies = []
    for caller, path in READS:
        response = await client.get(f"{API}{path}", headers=callers[caller])
        assert response.status_code == 200, (path, response.text)
        bodies.append(response.json())
    for order in bodies[READS.index(("customer", "/orders"))]["data"]:
        one = await client.get(f"{API}/orders/{order['id']}", headers=callers["customer"])
        assert one.status_code == 200, one.text
        bodies.append(one.json())
    for product in bodies[0]["data"]:
        one = await client.get(f"{API}/products/{product['id']}")
        assert one.status_code == 200, one.text
        bodies.append(one.json())
    return bodies


async def test_reads_over_http_are_the_same_with_direct_reads_on_and_off(
    tmp_path: Path, migrated_postgres_url: str
) -> None:
    await truncate_all(migrated_postgres_url)
    async with _serving(tmp_path, migrated_postgres_url, direct_reads=True) as (
        client,
        container,
        _,
    ):
        await _seed(client, container)
    async with _serving(tmp_path, migrated_postgres_url, direct_reads=True) as (client, _, on):
        direct = await _read_everything(client)
        catalog_on = list(on)
        await client.get(f"{API}/products")
        direct_list_statements = len(on) - len(catalog_on)
    async with _serving(tmp_path, migrated_postgres_url, direct_reads=False) as (client, _, off):
        through_sqlalchemy = await _read_everything(client)
        catalog_off = list(off)
        await client.get(f"{API}/products")
        sqlalchemy_list_statements = len(off) - len(catalog_off)

    assert direct == through_sqlalchemy
    assert [len(body["data"]) for body in direct[:3]] == [3, 2, 1]
    assert len(direct[READS.index(("customer", "/orders"))]["data"]) == 2
    # On, the product list (page and count) ran on asyncpg itself; off, through SQLAlchemy.
    assert (direct_list_statements, sqlalchemy_list_statements) == (0, 2)
