"""The operator's command line: serve, worker, db, doctor, users, products, orders, seed.

Each command group lives in its own module; this one only assembles them, the contexts'
groups from `entrypoints/contexts.py`.
"""

from __future__ import annotations

import click

from entrypoints.cli.db import db
from entrypoints.cli.doctor import doctor
from entrypoints.cli.processes import serve, server_app, worker
from entrypoints.cli.seed import seed
from entrypoints.contexts import context_commands

__all__ = ["cli", "main", "server_app"]


@click.group()
def cli() -> None:
    """hexashop: run the shop and administer it."""


# The contexts' groups (users, products, orders) come from entrypoints/contexts.py.
for command in (serve, worker, db, doctor, *context_commands(), seed):
    cli.add_command(command)


def main() -> None:
    """Console script entry point."""
    cli(prog_name="hexashop")
