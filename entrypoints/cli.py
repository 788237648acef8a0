"""The operator's command line: `hexashop serve | worker | db upgrade | users ...`."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from functools import partial
from types import FrameType
from typing import NoReturn, TypeVar

import click
import uvicorn

from adapters.sqlalchemy.migrate import upgrade_database
from application.accounts.actor import Actor
from application.accounts.commands import CreateUserCommand, ListUsersQuery, UpdateUserCommand
from application.accounts.views import UserView
from application.pagination import MAX_LIMIT, PageRequest
from domain.accounts import Role
from domain.errors import DomainError, ValidationFailed
from entrypoints.container import Container, close_container, create_container
from entrypoints.http.app import create_app
from entrypoints.http.logging import configure_logging
from entrypoints.settings import Settings, SettingsError, load_settings
from entrypoints.worker import Hook, run_outbox_worker, start_in_process_worker

T = TypeVar("T")

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


@cli.command()
def serve() -> None:
    """Apply migrations, then serve the HTTP API (and the outbox worker, unless disabled)."""
    settings = _settings()
    configure_logging(settings.log_level)
    upgrade_database(settings.database_url)
    container = create_container(settings)
    on_startup: list[Hook] = []
    on_shutdown: list[Hook] = []
    if settings.run_worker_in_process:
        start_worker, stop_worker = start_in_process_worker(container)
        on_startup.append(start_worker)
        on_shutdown.append(stop_worker)
    # The app runs shutdown hooks in order, then closes the container: the worker stops first.
    app = create_app(container, on_startup=on_startup, on_shutdown=on_shutdown)
    # Uvicorn shuts down gracefully on SIGINT/SIGTERM, restores the handlers it found and
    # raises the signal again: let that end the process with 0, since the shutdown was clean.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _exit_cleanly)
    # log_config=None keeps our logging setup (JSON lines, no access log with query strings).
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None)


@cli.command()
def worker() -> None:
    """Run the outbox worker alone until SIGINT or SIGTERM."""
    settings = _settings()
    configure_logging(settings.log_level)
    container = create_container(settings)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await run_outbox_worker(container, stop)
        finally:
            await close_container(container)

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
        return await container.create_user()(Actor.system(), cmd)

    user = _run(work)
    click.echo(f"created admin {user.email}")


_COLUMNS = ("email", "name", "role", "tier", "verified", "active", "created")


def _row(user: UserView) -> tuple[str, ...]:
    return (
        user.email,
        user.name or "-",
        str(user.role),
        str(user.tier),
        "yes" if user.email_verified else "no",
        "yes" if user.active else "no",
        user.created_at.strftime("%Y-%m-%d %H:%M"),
    )


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [_COLUMNS, *rows]) for i in range(len(_COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    header = "  ".join(c.upper().ljust(w) for c, w in zip(_COLUMNS, widths, strict=True))
    return "\n".join(line.rstrip() for line in [header, *lines])


@users.command("list")
def list_users() -> None:
    """Show every user as a table."""

    async def work(container: Container) -> list[UserView]:
        found: list[UserView] = []
        page_number = 1
        while True:
            query = ListUsersQuery(sort="createdAt", page=PageRequest(page_number, MAX_LIMIT))
            page = await container.list_users()(Actor.system(), query)
            found.extend(page.items)
            if page_number >= page.total_pages:
                return found
            page_number += 1

    click.echo(_table([_row(user) for user in _run(work)]))


def _update_by_email(email: str, change: Callable[..., UpdateUserCommand]) -> UserView:
    """Find the user by email and apply `change(user_id=...)` as the system operator."""

    async def work(container: Container) -> UserView:
        actor = Actor.system()
        user = await container.get_user_by_email()(actor, email)
        return await container.update_user()(actor, change(user_id=user.id))

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


def main() -> None:
    """Console script entry point."""
    cli(prog_name="hexashop")


if __name__ == "__main__":
    main()
