"""`hexashop counters`: the hit counters' DynamoDB table."""

from __future__ import annotations

import click

from domain.errors import ServiceUnavailable
from entrypoints.cli.common import EXIT_REFUSED, fail, read_settings
from entrypoints.settings import DEFAULT_COUNTERS_TABLE


@click.group()
def counters() -> None:
    """Hit counters."""


@counters.command("create-table")
@click.option(
    "--table",
    envvar="COUNTERS_TABLE",
    default=DEFAULT_COUNTERS_TABLE,
    show_default=True,
    help="The DynamoDB table (default: COUNTERS_TABLE when set).",
)
def create_table_command(table: str) -> None:
    """Create the counters' DynamoDB table (on-demand billing) in AWS_REGION, at
    AWS_ENDPOINT_URL when set (a local moto server); an existing table is left as it is."""
    # Imported here: the CLI module loads in every process, boto3 only where it's needed.
    from adapters.dynamodb.counters import create_table

    settings = read_settings()
    try:
        created = create_table(table, settings.aws_region, settings.aws_endpoint_url)
    except ServiceUnavailable as exc:
        fail(exc.message, EXIT_REFUSED)
    click.echo(f"created table {table}" if created else f"table {table} already exists")
