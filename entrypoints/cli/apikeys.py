"""`hexashop apikeys`: API keys for machine clients (a static site's hit counter)."""

from __future__ import annotations

from datetime import datetime

import click

from application.apikeys.create_api_key import CreateApiKeyCommand
from application.apikeys.views import ApiKeyView, CreatedApiKey
from entrypoints.cli.common import run, table
from entrypoints.containers import Container


@click.group()
def apikeys() -> None:
    """API keys: create (shown once), list, revoke."""


def _words(raw: str | None) -> tuple[str, ...]:
    return tuple(word.strip() for word in (raw or "").split(",") if word.strip())


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


_COLUMNS = ("name", "prefix", "counters", "origins", "created", "last_used", "revoked")


def _row(view: ApiKeyView) -> tuple[str, ...]:
    return (
        view.name,
        view.prefix,
        ",".join(view.counters) or "(all)",
        ",".join(view.origins) or "(any)",
        _when(view.created_at),
        _when(view.last_used_at),
        _when(view.revoked_at),
    )


@apikeys.command("create")
@click.argument("name")
@click.option("--counters", default=None, help="Comma-separated counter names (default: all).")
@click.option("--origins", default=None, help="Comma-separated browser origins (default: any).")
def create(name: str, counters: str | None, origins: str | None) -> None:
    """Create a key and print it, once: only its SHA-256 is stored."""
    command = CreateApiKeyCommand(name, _words(counters), _words(origins))

    async def work(container: Container) -> CreatedApiKey:
        return await container.apikeys.create_api_key()(command)

    created = run(work)
    click.echo(created.key)
    click.echo(
        f"created API key {created.view.name!r} (prefix {created.view.prefix}); "
        "the key is shown only now",
        err=True,
    )


@apikeys.command("list")
def list_keys() -> None:
    """Show every key: name, prefix, scopes, created, last used, revoked."""

    async def work(container: Container) -> list[ApiKeyView]:
        return await container.apikeys.list_api_keys()()

    click.echo(table(_COLUMNS, [_row(v) for v in run(work)]))


@apikeys.command("revoke")
@click.argument("name")
def revoke(name: str) -> None:
    """Refuse the key from now on."""

    async def work(container: Container) -> ApiKeyView:
        return await container.apikeys.revoke_api_key()(name)

    view = run(work)
    click.echo(f"revoked API key {view.name!r} (prefix {view.prefix})")
