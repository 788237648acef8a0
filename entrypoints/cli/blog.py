"""`hexashop posts`: the blog."""

from __future__ import annotations

import click

from application.blog.commands import ListPostsQuery, UpdatePostCommand
from application.blog.views import PostView
from application.shared.actor import Actor
from application.shared.paging import Page, PageRequest, every_item
from entrypoints.cli.common import run, table, yes_no
from entrypoints.containers import Container


@click.group()
def posts() -> None:
    """The blog."""


_POST_COLUMNS = ("slug", "title", "published", "tags", "comments")


def _post_row(post: PostView) -> tuple[str, ...]:
    return (
        post.slug,
        post.title,
        yes_no(post.published),
        ", ".join(post.tags),
        str(post.comment_count),
    )


@posts.command("list")
@click.option("--drafts", is_flag=True, help="Show the drafts too, after the published posts.")
def list_posts(drafts: bool) -> None:
    """Show the published posts (newest first), and with --drafts every draft after them."""

    async def work(container: Container) -> list[PostView]:
        list_posts = container.blog.list_posts()

        async def fetch(page: PageRequest, published: bool) -> Page[PostView]:
            # The operator acts as an admin: `published=False` lists every draft.
            query = ListPostsQuery(published=published, sort="-createdAt", page=page)
            return await list_posts(Actor.system(), query)

        found = await every_item(lambda page: fetch(page, True))
        if drafts:
            found += await every_item(lambda page: fetch(page, False))
        return found

    click.echo(table(_POST_COLUMNS, [_post_row(p) for p in run(work)]))


@posts.command("publish")
@click.argument("slug")
def publish_post(slug: str) -> None:
    """Publish the post at SLUG (a draft); a published post stays as it is."""

    async def work(container: Container) -> PostView:
        found = await container.blog.get_post()(Actor.system(), slug)
        if found.post is None:  # an old slug: publish the post it moved to
            assert found.moved_to is not None
            found = await container.blog.get_post()(Actor.system(), found.moved_to)
        assert found.post is not None
        if found.post.published:
            return found.post
        command = UpdatePostCommand(post_id=found.post.id, published=True)
        return await container.blog.update_post()(Actor.system(), command)

    post = run(work)
    click.echo(f"published {post.slug} ({post.title})")
