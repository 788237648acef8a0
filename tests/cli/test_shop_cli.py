"""The operator's catalog, order and demo-data commands, on a migrated SQLite file.

Orders are set up through the container's use cases (as the API would), then the command under
test runs through click on the same database.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner, Result
from dependency_injector import providers

from adapters.clock import FrozenClock
from application.accounts.commands import CreateUserCommand
from application.blog.commands import WritePostCommand
from application.catalog.commands import (
    CreateProductCommand,
    ListProductsQuery,
    UpdateProductCommand,
)
from application.catalog.views import ProductView
from application.ordering.commands import PlaceOrderCommand
from application.ordering.views import OrderView
from application.shared.actor import Actor
from application.shared.paging import COUNT_LIMIT
from domain.accounts import Role
from domain.ordering import RequestedItem
from entrypoints.cli.main import cli
from entrypoints.containers import Container, close_container, create_container
from entrypoints.seed import DEMO_POSTS, DEMO_PRODUCTS, DEMO_USERS
from entrypoints.settings import load_settings
from tests.support.databases import copy_sqlite_database
from tests.support.fakes import FastPasswordHasher

T = TypeVar("T")
PASSWORD = "Sup3rSecret"


@pytest.fixture
def env(tmp_path: Path, migrated_sqlite_template: Path) -> dict[str, str]:
    """The environment of an operator working on one migrated SQLite database."""
    database = copy_sqlite_database(migrated_sqlite_template, tmp_path / "shop.db")
    return {
        "APP_ENV": "test",
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "VAR_DIR": str(tmp_path / "var"),
        "JWT_SECRET": "x" * 40,
        "RUN_WORKER_IN_PROCESS": "false",
        "PAYMENT_PROVIDER": "sandbox",
    }


@pytest.fixture
def hexashop(env: dict[str, str]) -> Callable[..., Result]:
    """Run `hexashop ARGS...` with the operator's environment."""
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, list(args), env=env)

    return invoke


@pytest.fixture
def shop(env: dict[str, str]) -> Callable[..., T]:
    """Run `work(container)` on the operator's database, optionally at a frozen time."""

    def run(work: Callable[[Container], Awaitable[T]], at: datetime | None = None) -> T:
        container = create_container(load_settings(env))
        # Argon2 is slow on purpose; these tests never log in with the passwords.
        container.core.hasher.override(providers.Singleton(FastPasswordHasher))
        if at is not None:
            container.core.clock.override(providers.Object(FrozenClock(at)))

        async def main() -> T:
            try:
                return await work(container)
            finally:
                await close_container(container)

        return asyncio.run(main())

    return run


def _ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def _rows(listing: str) -> list[list[str]]:
    """The table's data rows, split on the column gaps (cells have single spaces at most)."""
    return [re.split(r"\s{2,}", line.strip()) for line in listing.splitlines()[1:]]


def _credentials(seed_output: str) -> dict[str, list[str]]:
    """The credentials table printed by `seed demo`, by email."""
    return {
        row[0]: row[1:]
        for row in _rows(seed_output)
        if row[0] in {user.email for user in DEMO_USERS}
    }


async def _customer_and_mug(container: Container) -> tuple[Actor, ProductView]:
    system = Actor.system()
    customer = await container.accounts.create_user()(
        system, CreateUserCommand(email="ana@example.com", password=PASSWORD)
    )
    mug = await container.catalog.create_product()(
        system, CreateProductCommand(name="Blue Mug", price_cents=900, stock=10)
    )
    return Actor(user_id=customer.id, role=Role.CUSTOMER), mug


async def _order(container: Container, customer: Actor, mug: ProductView, qty: int) -> OrderView:
    cmd = PlaceOrderCommand(items=(RequestedItem(mug.id, qty),))
    return await container.ordering.place_order()(customer, cmd)


async def _pay(container: Container, customer: Actor, order: OrderView) -> None:
    """Pay through the sandbox, by the very path its /succeed endpoint takes."""
    intent = await container.ordering.start_payment()(customer, order.id)
    await container.ordering.simulate_payment()(intent.payment_intent_id, True)


def _subjects(mail_dir: Path) -> list[str]:
    parser = BytesParser(policy=policy.default)
    return sorted(str(parser.parsebytes(p.read_bytes())["Subject"]) for p in mail_dir.glob("*.eml"))


# --- products ----------------------------------------------------------------------------------


def test_products_list_shows_every_product_with_its_price_inactive_ones_included(hexashop, shop):
    _ok(hexashop("seed", "demo"))
    teapot = next(p for p in DEMO_PRODUCTS if p.name == "Glass Teapot")

    async def deactivate_teapot(container: Container) -> None:
        query = ListProductsQuery(search=teapot.name)
        listing = await container.catalog.list_products()(Actor.system(), query)
        await container.catalog.update_product()(
            Actor.system(), UpdateProductCommand(product_id=listing.items[0].id, active=False)
        )

    shop(deactivate_teapot)

    rows = _rows(_ok(hexashop("products", "list")))

    assert len(rows) == len(DEMO_PRODUCTS)
    assert ["Glass Teapot", "$32.00", str(teapot.stock), "no"] in [row[1:] for row in rows]
    assert ["Blue Ceramic Mug", "$9.00", "120", "yes"] in [row[1:] for row in rows]


def test_products_list_of_an_empty_catalog_is_just_the_header(hexashop):
    listing = _ok(hexashop("products", "list"))

    assert listing.split() == ["ID", "NAME", "PRICE", "STOCK", "ACTIVE"]


# --- seed --------------------------------------------------------------------------------------


def test_seed_demo_creates_verified_staff_and_customers_and_prints_their_credentials(hexashop):
    output = _ok(hexashop("seed", "demo"))

    users = {row[0]: row for row in _rows(_ok(hexashop("users", "list")))}
    assert f"created 4 users, {len(DEMO_PRODUCTS)} products and {len(DEMO_POSTS)} posts" in output
    credentials = _credentials(output)
    for demo in DEMO_USERS:
        # password, role, tier, new
        assert credentials[demo.email] == [demo.password, str(demo.role), str(demo.tier), "yes"]
        # email, name, role, tier, verified, active, created
        assert users[demo.email][2:6] == [str(demo.role), str(demo.tier), "yes", "yes"]
    assert sorted(str(u.role) for u in DEMO_USERS) == ["admin", "customer", "customer", "editor"]
    assert {str(u.tier) for u in DEMO_USERS if u.role is Role.CUSTOMER} == {"premium", "standard"}


def test_seed_demo_twice_creates_nothing_the_second_time(hexashop):
    _ok(hexashop("seed", "demo"))
    users_before = _ok(hexashop("users", "list"))
    products_before = _ok(hexashop("products", "list"))

    again = _ok(hexashop("seed", "demo"))

    assert "nothing new" in again
    assert [row[-1] for row in _credentials(again).values()] == ["no"] * len(DEMO_USERS)
    assert _ok(hexashop("users", "list")) == users_before
    assert _ok(hexashop("products", "list")) == products_before
    assert len(_rows(_ok(hexashop("posts", "list")))) == len(DEMO_POSTS)


def test_seed_demo_writes_published_posts_with_tags_and_comments(hexashop):
    _ok(hexashop("seed", "demo"))

    rows = {row[0]: row for row in _rows(_ok(hexashop("posts", "list")))}

    assert set(rows) == {
        "brewing-better-pour-over-coffee",
        "choosing-a-green-tea",
        "new-in-the-shop-the-glass-teapot",
    }
    assert rows["brewing-better-pour-over-coffee"][-1] == "2"  # comments


def test_posts_publish_publishes_a_draft_and_list_drafts_shows_it(hexashop, shop):
    _ok(hexashop("seed", "demo"))

    async def draft(container: Container) -> None:
        editor = await container.accounts.get_user_by_email()(
            Actor.system(), "editor@demo.hexashop.local"
        )
        author = Actor(user_id=editor.id, role=Role.EDITOR)
        await container.blog.write_post()(author, WritePostCommand("Coming soon", "Soon."))

    shop(draft)
    assert "coming-soon" not in _ok(hexashop("posts", "list"))
    assert "coming-soon" in _ok(hexashop("posts", "list", "--drafts"))

    published = _ok(hexashop("posts", "publish", "coming-soon"))

    assert "published coming-soon" in published
    assert "coming-soon" in _ok(hexashop("posts", "list"))
    missing = hexashop("posts", "publish", "no-such-post")
    assert missing.exit_code != 0


def test_seed_demo_skips_a_product_whose_name_is_taken(hexashop, shop):
    async def add_mug(container: Container) -> None:
        await container.catalog.create_product()(
            Actor.system(), CreateProductCommand(name="blue ceramic mug", price_cents=500, stock=1)
        )

    shop(add_mug)

    output = _ok(hexashop("seed", "demo"))

    assert f"created 4 users, {len(DEMO_PRODUCTS) - 1} products and" in output
    assert "1 products and 0 posts were already there" in output
    assert len(_rows(_ok(hexashop("products", "list")))) == len(DEMO_PRODUCTS)


# --- users list --------------------------------------------------------------------------------


def test_users_list_shows_every_user_past_the_count_limit(hexashop, shop):
    # Past COUNT_LIMIT matches a page's total is a lower bound: the listing must follow the
    # next cursor rather than stop at `total_pages`.
    emails = [f"user{n:04}@example.com" for n in range(COUNT_LIMIT + 5)]

    async def many_users(container: Container) -> None:
        create_user = container.accounts.create_user()
        for email in emails:
            await create_user(Actor.system(), CreateUserCommand(email=email, password=PASSWORD))

    shop(many_users)

    rows = _rows(_ok(hexashop("users", "list")))

    assert sorted(row[0] for row in rows) == emails


# --- orders list -------------------------------------------------------------------------------


def test_orders_list_filters_by_status(hexashop, shop):
    async def one_paid_one_pending(container: Container) -> tuple[OrderView, OrderView]:
        customer, mug = await _customer_and_mug(container)
        paid = await _order(container, customer, mug, 2)
        await _pay(container, customer, paid)
        pending = await _order(container, customer, mug, 3)
        return paid, pending

    paid, pending = shop(one_paid_one_pending)

    everything = _rows(_ok(hexashop("orders", "list")))
    only_paid = _rows(_ok(hexashop("orders", "list", "--status", "paid")))

    assert sorted(row[0] for row in everything) == sorted([str(paid.id), str(pending.id)])
    assert [row[:4] for row in only_paid] == [[str(paid.id), str(paid.user_id), "paid", "$18.00"]]


def test_orders_list_with_an_unknown_status_is_a_usage_error(hexashop):
    result = hexashop("orders", "list", "--status", "lost")

    assert result.exit_code == 2
    assert "lost" in result.output


# --- orders expire -----------------------------------------------------------------------------


def test_orders_expire_cancels_overdue_pending_orders_and_releases_their_stock(hexashop, shop):
    long_ago = datetime.now(UTC) - timedelta(hours=2)

    async def arrange(container: Container) -> tuple[Actor, ProductView]:
        return await _customer_and_mug(container)

    customer, mug = shop(arrange)
    # Placed two hours ago: past the 30-minute payment deadline.
    overdue = shop(lambda c: _order(c, customer, mug, 4), at=long_ago)
    fresh = shop(lambda c: _order(c, customer, mug, 2))

    result = _ok(hexashop("orders", "expire"))

    statuses = {row[0]: row[2] for row in _rows(_ok(hexashop("orders", "list")))}
    stock = {row[1]: row[3] for row in _rows(_ok(hexashop("products", "list")))}
    assert result.strip() == "expired 1 orders"
    assert statuses == {str(overdue.id): "cancelled", str(fresh.id): "pending"}
    assert stock["Blue Mug"] == "8"  # 10 - 2 still reserved by the fresh order


def test_orders_expire_with_nothing_overdue_expires_nothing(hexashop):
    assert _ok(hexashop("orders", "expire")).strip() == "expired 0 orders"


# --- orders refund -----------------------------------------------------------------------------


def test_orders_refund_refunds_a_paid_order_and_queues_the_refund_email(hexashop, shop, env):
    async def paid_order(container: Container) -> OrderView:
        customer, mug = await _customer_and_mug(container)
        order = await _order(container, customer, mug, 2)
        await _pay(container, customer, order)
        return order

    order = shop(paid_order)

    result = hexashop("orders", "refund", str(order.id))
    shop(lambda container: container.messaging.dispatch_outbox()())

    status = _rows(_ok(hexashop("orders", "list")))[0][2]
    assert _ok(result).strip() == f"refunded order {order.id} ($18.00)"
    assert status == "refunded"
    assert _subjects(Path(env["VAR_DIR"]) / "mail") == [
        f"Order confirmed: {order.id}",
        f"Order refunded: {order.id}",
    ]


def test_orders_refund_of_a_pending_order_exits_1_with_the_conflict(hexashop, shop):
    async def pending_order(container: Container) -> OrderView:
        customer, mug = await _customer_and_mug(container)
        return await _order(container, customer, mug, 2)

    order = shop(pending_order)

    result = hexashop("orders", "refund", str(order.id))

    assert result.exit_code == 1
    assert result.output.strip() == "error: Cannot change an order from pending to refunded"


@pytest.mark.parametrize(
    ("order_id", "message"),
    [
        ("not-a-uuid", "error: 'not-a-uuid' is not an order id"),
        ("6c1f1a7e-4f7e-4b37-a5d1-8e0c7c2fb8d0", "error: Order not found"),
    ],
)
def test_orders_refund_of_a_bad_or_unknown_id_exits_1_with_a_clear_message(
    hexashop, order_id, message
):
    result = hexashop("orders", "refund", order_id)

    assert result.exit_code == 1
    assert result.output.strip() == message
