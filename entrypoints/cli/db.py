"""`hexashop db`: the database schema."""

from __future__ import annotations

import click

from adapters.sqlalchemy.migrate import upgrade_database
from entrypoints.cli.common import read_settings


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    upgrade_database(read_settings().database_url)
    click.echo("database is up to date")
