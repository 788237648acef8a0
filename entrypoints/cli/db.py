"""`hexashop db`: the database schema."""

from __future__ import annotations

import click

from entrypoints.cli.common import read_settings
from entrypoints.cli.migrations import upgrade_or_fail


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    upgrade_or_fail(read_settings().database_url)
    click.echo("database is up to date")
