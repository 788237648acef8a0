"""The operator's command line: serve, worker, db, users, products, orders, seed."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from functools import partial
from types import FrameType
from typing import NoReturn, TypeVar
from uuid import UUID

import click
import structlog
import uvicorn
from litestar import Litestar

from adapters.sqlalchemy.migrate import upgrade_database
from application.accounts.commands import CreateUserCommand, ListUsersQuery, UpdateUserCommand
from application.accounts.views import UserView
from application.catalog.commands import ListProductsQuery
from application.catalog.views import ProductView
from application.ordering.commands import ListOrdersQuery
from application.ordering.views import OrderView
from application.shared.actor import Actor
from application.shared.paging import MAX_LIMIT, Page, PageRequest
from domain.accounts import Role
from domain.errors import DomainError, ValidationFailed
from domain.ordering import OrderStatus
from domain.payments import format_money
from entrypoints.containers import Container, close_container, create_container
from entrypoints.heap import freeze_startup_heap
from entrypoints.http.app import create_app
from entrypoints.http.logging import configure_logging
from entrypoints.seed import SeedReport, seed_demo
from entrypoints.settings import Settings, SettingsError, load_settings
from entrypoints.worker import Hook, expire_overdue_orders, run_worker, start_in_process_worker

T = TypeVar("T")

logger = structlog.get_logger("hexashop.process")

# Exit codes: 1 when the business refuses the request, 2 for bad usage or configuration
# (the same code click uses for usage errors).
EXIT_REFUSED = 1
EXIT_CONFIG = 2


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(code)


def _settings() -> Settings:
    """Read the configuration, or stop with a one-line message naming the variable."""
    try:
        return load_settings()
    except SettingsError as exc:
        _fail(str(exc), EXIT_CONFIG)


def _describe(exc: DomainError) -> str:
    if isinstance(exc, ValidationFailed) and exc.errors:
        return "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
    return exc.message


async def _every_page(fetch: Callable[[PageRequest], Awaitable[Page[T]]]) -> list[T]:
    """Every item of a paged listing, fetched page by page at the largest page size."""
    found: list[T] = []
    page_number = 1
    while True:
        page = await fetch(PageRequest(page_number, MAX_LIMIT))
        found.extend(page.items)
        if page_number >= page.total_pages:
            return found
        page_number += 1


def _table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """Rows as left-aligned columns under an upper-case header."""
    widths = [max(len(r[i]) for r in [columns, *rows]) for i in range(len(columns))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    header = "  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True))
    return "\n".join(line.rstrip() for line in [header, *lines])


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _run(work: Callable[[Container], Awaitable[T]]) -> T:
    """Build the container, run one coroutine with it, close it; domain errors exit 1."""
    container = create_container(_settings())

    async def main() -> T:
        try:
            return await work(container)
        finally:
            await close_container(container)

    try:
        return asyncio.run(main())
    except DomainError as exc:
        _fail(_describe(exc), EXIT_REFUSED)


@click.group()
def cli() -> None:
    """hexashop: run the shop and administer it."""


# --- processes ---------------------------------------------------------------------------------


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def server_app(settings: Settings) -> Litestar:
    """The app `serve` runs: the HTTP API and, unless disabled, the worker loops in process."""
    container = create_container(settings)
    on_startup: list[Hook] = []
    on_shutdown: list[Hook] = []
    if settings.run_worker_in_process:
        start_worker, stop_worker = start_in_process_worker(container)
        on_startup.append(start_worker)
        on_shutdown.append(stop_worker)
    # Last: by then every object that lives as long as the process exists.
    on_startup.append(freeze_startup_heap)
    # The app runs shutdown hooks in order, then closes the container: the worker stops first.
    return create_app(container, on_startup=on_startup, on_shutdown=on_shutdown)


@cli.command()
def serve() -> None:
    """Apply migrations, then serve the HTTP API (and the background worker, unless disabled)."""
    settings = _settings()
    configure_logging(settings.log_level)
    upgrade_database(settings.database_url)
    app = server_app(settings)
    # On SIGINT/SIGTERM uvicorn closes its listening socket, lets the requests in flight finish
    # (cancelling them after the grace), runs the app's shutdown hooks (the worker stops, the
    # container closes), restores the handlers it found and raises the signal again: let that
    # end the process with 0, since the shutdown was clean.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _exit_cleanly)
    try:
        # log_config=None keeps our logging setup (JSON lines, no access log with query
        # strings). No `server: uvicorn` banner (docs/api.md); the Date header stays.
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            log_config=None,
            server_header=False,
            timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        )
    finally:
        logger.info("process_stopped", command="serve")


@cli.command()
def worker() -> None:
    """Run the worker alone (outbox delivery, order expiry) until SIGINT or SIGTERM."""
    settings = _settings()
    configure_logging(settings.log_level)
    container = create_container(settings)

    async def main() -> None:
        stop = asyncio.Event()

        def request_stop(sig: signal.Signals) -> None:
            logger.info("stop_requested", signal=sig.name)
            stop.set()

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, request_stop, sig)
        try:
            await run_worker(container, stop)
        finally:
            await close_container(container)
            logger.info("process_stopped", command="worker")

    asyncio.run(main())


# --- database ----------------------------------------------------------------------------------


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    settings = _settings()
    upgrade_database(settings.database_url)
    click.echo("database is up to date")


# --- users -------------------------------------------------------------------------------------


@cli.group()
def users() -> None:
    """User accounts."""


@users.command("create-admin")
@click.option("--email", required=True, help="The admin's email address.")
@click.option("--name", default=None, help="Display name.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for (hidden, twice) when not given.",
)
def create_admin(email: str, name: str | None, password: str) -> None:
    """Create an admin account with a verified email."""
    cmd = CreateUserCommand(email=email, password=password, name=name, role=Role.ADMIN)

    async def work(container: Container) -> UserView:
        return await container.accounts.create_user()(Actor.system(), cmd)

    user = _run(work)
    click.echo(f"created admin {user.email}")


_USER_COLUMNS = ("email", "name", "role", "tier", "verified", "active", "created")


def _user_row(user: UserView) -> tuple[str, ...]:
    return (
        user.email,
        user.name or "-",
        str(user.role),
        str(user.tier),
        _yes_no(user.email_verified),
        _yes_no(user.active),
        user.created_at.strftime("%Y-%m-%d %H:%M"),
    )


@users.command("list")
def list_users() -> None:
    """Show every user as a table."""

    async def work(container: Container) -> list[UserView]:
        list_users = container.accounts.list_users()

        async def fetch(page: PageRequest) -> Page[UserView]:
            return await list_users(Actor.system(), ListUsersQuery(sort="createdAt", page=page))

        return await _every_page(fetch)

    click.echo(_table(_USER_COLUMNS, [_user_row(user) for user in _run(work)]))


def _update_by_email(email: str, change: Callable[..., UpdateUserCommand]) -> UserView:
    """Find the user by email and apply `change(user_id=...)` as the system operator."""

    async def work(container: Container) -> UserView:
        actor = Actor.system()
        user = await container.accounts.get_user_by_email()(actor, email)
        return await container.accounts.update_user()(actor, change(user_id=user.id))

    return _run(work)


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def set_role(email: str, role: str) -> None:
    """Give a user a role (admin, editor, customer)."""
    user = _update_by_email(email, partial(UpdateUserCommand, role=Role(role)))
    click.echo(f"{user.email} is now {user.role}")


@users.command("verify")
@click.argument("email")
def verify(email: str) -> None:
    """Mark a user's email as verified."""
    user = _update_by_email(email, partial(UpdateUserCommand, email_verified=True))
    click.echo(f"{user.email} is verified")


@users.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Deactivate a user: they can no longer log in."""
    user = _update_by_email(email, partial(UpdateUserCommand, active=False))
    click.echo(f"{user.email} is deactivated")


# --- products ----------------------------------------------------------------------------------


@cli.group()
def products() -> None:
    """The catalog."""


_PRODUCT_COLUMNS = ("id", "name", "price", "stock", "active")


def _product_row(product: ProductView) -> tuple[str, ...]:
    return (
        str(product.id),
        product.name,
        format_money(product.price_cents, product.currency),
        str(product.stock),
        _yes_no(product.active),
    )


@products.command("list")
def list_products() -> None:
    """Show every product, inactive ones included, as a table (by name)."""

    async def work(container: Container) -> list[ProductView]:
        list_products = container.catalog.list_products()

        async def fetch(page: PageRequest) -> Page[ProductView]:
            return await list_products(Actor.system(), ListProductsQuery(sort="name", page=page))

        return await _every_page(fetch)

    click.echo(_table(_PRODUCT_COLUMNS, [_product_row(p) for p in _run(work)]))


# --- orders ------------------------------------------------------------------------------------


@cli.group()
def orders() -> None:
    """Orders and their payments."""


_ORDER_COLUMNS = ("id", "user_id", "status", "total", "created")


def _order_row(order: OrderView) -> tuple[str, ...]:
    return (
        str(order.id),
        str(order.user_id),
        str(order.status),
        format_money(order.total_cents, order.currency),
        order.created_at.strftime("%Y-%m-%d %H:%M"),
    )


@orders.command("list")
@click.option(
    "--status",
    type=click.Choice([s.value for s in OrderStatus]),
    default=None,
    help="Only orders with this status.",
)
def list_orders(status: str | None) -> None:
    """Show every order (newest first) as a table."""
    wanted = OrderStatus(status) if status else None

    async def work(container: Container) -> list[OrderView]:
        list_orders = container.ordering.list_orders()

        async def fetch(page: PageRequest) -> Page[OrderView]:
            query = ListOrdersQuery(status=wanted, page=page)
            return await list_orders(Actor.system(), query)

        return await _every_page(fetch)

    click.echo(_table(_ORDER_COLUMNS, [_order_row(o) for o in _run(work)]))


@orders.command("expire")
def expire_orders() -> None:
    """Cancel every pending order past its payment deadline now, releasing its stock."""
    expired = _run(expire_overdue_orders)
    click.echo(f"expired {expired} orders")


@orders.command("refund")
@click.argument("order_id")
def refund_order(order_id: str) -> None:
    """Refund a paid or shipped order through the payment provider and email the customer."""
    try:
        parsed = UUID(order_id)
    except ValueError:
        _fail(f"{order_id!r} is not an order id", EXIT_REFUSED)

    async def work(container: Container) -> OrderView:
        return await container.ordering.refund_order()(Actor.system(), parsed)

    order = _run(work)
    click.echo(f"refunded order {order.id} ({format_money(order.total_cents, order.currency)})")


# --- demo data ---------------------------------------------------------------------------------


@cli.group()
def seed() -> None:
    """Demo data."""


_CREDENTIAL_COLUMNS = ("email", "password", "role", "tier", "new")


def _seed_summary(report: SeedReport) -> str:
    if not report.created_anything:
        return "nothing new: the demo data is already there"
    return (
        f"created {len(report.users_created)} users and {report.products_created} products"
        f" ({len(report.users_existing)} users and {report.products_existing} products"
        " were already there)"
    )


@seed.command("demo")
def seed_demo_data() -> None:
    """Create demo staff, customers (verified, known passwords) and products; skip what exists."""
    report = _run(seed_demo)
    created = {user.email for user in report.users_created}
    rows = [
        (user.email, user.password, str(user.role), str(user.tier), _yes_no(user.email in created))
        for user in [*report.users_created, *report.users_existing]
    ]
    click.echo(_table(_CREDENTIAL_COLUMNS, sorted(rows, key=lambda row: row[0])))
    if report.users_existing:
        # Their passwords are whatever they were: the demo ones only if nobody changed them.
        click.echo("(accounts marked NEW=no existed already and kept their password)")
    click.echo(_seed_summary(report))


def main() -> None:
    """Console script entry point."""
    cli(prog_name="hexashop")


if __name__ == "__main__":
    main()
