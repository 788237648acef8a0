"""`hexashop media`: uploaded files."""

from __future__ import annotations

from uuid import UUID

import click

from application.media.commands import ListMediaQuery
from application.media.views import MediaView
from application.shared.actor import Actor
from application.shared.paging import Page, PageRequest, every_item
from entrypoints.cli.common import run, table
from entrypoints.containers import Container
from entrypoints.worker import sweep_orphan_media


@click.group()
def media() -> None:
    """Uploaded files."""


_MEDIA_COLUMNS = ("id", "owner_id", "filename", "type", "bytes", "created")


def _media_row(view: MediaView) -> tuple[str, ...]:
    return (
        str(view.id),
        str(view.owner_id),
        view.filename,
        view.content_type,
        str(view.size_bytes),
        view.created_at.strftime("%Y-%m-%d %H:%M"),
    )


@media.command("list")
@click.option("--owner", "owner_email", default=None, help="Only this user's files (an email).")
def list_media(owner_email: str | None) -> None:
    """Show every file (newest first), or one user's, as a table."""

    async def work(container: Container) -> list[MediaView]:
        owner_id: UUID | None = None
        if owner_email is not None:
            owner = await container.accounts.get_user_by_email()(Actor.system(), owner_email)
            owner_id = owner.id
        list_media = container.media.list_media()

        async def fetch(page: PageRequest) -> Page[MediaView]:
            return await list_media(Actor.system(), ListMediaQuery(owner_id=owner_id, page=page))

        return await every_item(fetch)

    click.echo(table(_MEDIA_COLUMNS, [_media_row(m) for m in run(work)]))


@media.command("sweep")
def sweep() -> None:
    """Delete stored objects that no file refers to, older than MEDIA_ORPHAN_AGE_SECONDS."""
    deleted = run(sweep_orphan_media)
    click.echo(f"deleted {deleted} orphaned objects")
