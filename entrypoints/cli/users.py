"""`hexashop users`: user accounts."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import click

from application.accounts.commands import CreateUserCommand, ListUsersQuery, UpdateUserCommand
from application.accounts.views import UserView
from application.shared.actor import Actor
from application.shared.paging import Page, PageRequest, every_item
from domain.accounts import Role
from entrypoints.cli.common import run, table, yes_no
from entrypoints.containers import Container


@click.group()
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

    user = run(work)
    click.echo(f"created admin {user.email}")


_USER_COLUMNS = ("email", "name", "role", "tier", "verified", "active", "created")


def _user_row(user: UserView) -> tuple[str, ...]:
    return (
        user.email,
        user.name or "-",
        str(user.role),
        str(user.tier),
        yes_no(user.email_verified),
        yes_no(user.active),
        user.created_at.strftime("%Y-%m-%d %H:%M"),
    )


@users.command("list")
def list_users() -> None:
    """Show every user as a table."""

    async def work(container: Container) -> list[UserView]:
        list_users = container.accounts.list_users()

        async def fetch(page: PageRequest) -> Page[UserView]:
            return await list_users(Actor.system(), ListUsersQuery(sort="createdAt", page=page))

        return await every_item(fetch)

    click.echo(table(_USER_COLUMNS, [_user_row(user) for user in run(work)]))


def _update_by_email(email: str, change: Callable[..., UpdateUserCommand]) -> UserView:
    """Find the user by email and apply `change(user_id=...)` as the system operator."""

    async def work(container: Container) -> UserView:
        actor = Actor.system()
        user = await container.accounts.get_user_by_email()(actor, email)
        return await container.accounts.update_user()(actor, change(user_id=user.id))

    return run(work)


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
