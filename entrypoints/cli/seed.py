"""`hexashop seed`: demo data."""

from __future__ import annotations

import click

from entrypoints.cli.common import run, table, yes_no
from entrypoints.seed import SeedReport, seed_demo


@click.group()
def seed() -> None:
    """Demo data."""


_CREDENTIAL_COLUMNS = ("email", "password", "role", "tier", "new")


def _seed_summary(report: SeedReport) -> str:
    if not report.created_anything:
        return "nothing new: the demo data is already there"
    return (
        f"created {len(report.users_created)} users, {report.products_created} products and"
        f" {report.posts_created} posts ({len(report.users_existing)} users,"
        f" {report.products_existing} products and {report.posts_existing} posts"
        " were already there)"
    )


@seed.command("demo")
def seed_demo_data() -> None:
    """Create demo staff, customers (verified, known passwords), products and blog posts;
    skip what exists."""
    report = run(seed_demo)
    created = {user.email for user in report.users_created}
    rows = [
        (user.email, user.password, str(user.role), str(user.tier), yes_no(user.email in created))
        for user in [*report.users_created, *report.users_existing]
    ]
    click.echo(table(_CREDENTIAL_COLUMNS, sorted(rows, key=lambda row: row[0])))
    if report.users_existing:
        # Their passwords are whatever they were: the demo ones only if nobody changed them.
        click.echo("(accounts marked NEW=no existed already and kept their password)")
    click.echo(_seed_summary(report))
