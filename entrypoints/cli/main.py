"""The operator's command line: serve, worker, db, users, products, orders, seed.

Each command group lives in its own module; this one only assembles them.
"""

from __future__ import annotations

import click

from entrypoints.cli.db import db
from entrypoints.cli.orders import orders
from entrypoints.cli.processes import serve, server_app, worker
from entrypoints.cli.products import products
from entrypoints.cli.seed import seed
from entrypoints.cli.users import users

__all__ = ["cli", "main", "server_app"]


@click.group()
def cli() -> None:
    """hexashop: run the shop and administer it."""


for command in (serve, worker, db, users, products, orders, seed):
    cli.add_command(command)


def main() -> None:
    """Console script entry point."""
    cli(prog_name="hexashop")
