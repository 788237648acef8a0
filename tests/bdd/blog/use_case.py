"""The blog actions on the use cases."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from application.blog.commands import (
    AddCommentCommand,
    ListPostsQuery,
    UpdatePostCommand,
    WritePostCommand,
)
from application.blog.views import PostLookup, PostView
from application.shared.actor import Actor
from application.shared.paging import Page, PageRequest
from tests.bdd.blog.driver import BlogDriver, PostFilters, comment_data, fingerprint, post_data
from tests.bdd.shared.outcome import Outcome
from tests.bdd.shared.shapes import page_of
from tests.bdd.shared.use_case import UseCaseSystem

_POST_FIELDS = {
    "title": "title",
    "content": "content",
    "tags": "tags",
    "published": "published",
    "slug": "slug",
}


def _lookup(found: PostLookup) -> dict[str, Any]:
    if found.post is None:
        return {"movedTo": found.moved_to}
    data = post_data(found.post)
    return {"post": data, "etag": fingerprint(data)}


def _edited(view: PostView) -> dict[str, Any]:
    data = post_data(view)
    return {"post": data, "etag": fingerprint(data)}


class UseCaseBlog(BlogDriver):
    """Calls the blog use cases from the container."""

    system: UseCaseSystem

    def __init__(self, system: UseCaseSystem) -> None:
        super().__init__(system)
        self.container = system.container

    def write_post(self, access: str | None, fields: dict[str, Any]) -> Outcome:
        """Write a post."""
        cmd = WritePostCommand(
            title=fields["title"],
            content=fields["content"],
            tags=tuple(fields.get("tags", ())),
            published=fields.get("published", False),
        )
        return self.system.as_bearer(
            access, lambda actor: self.container.blog.write_post()(actor, cmd), post_data
        )

    def read_post(self, access: str | None, slug: str) -> Outcome:
        """Read a post by slug."""
        return self.system.as_anyone(
            access, lambda actor: self.container.blog.get_post()(actor, slug), _lookup
        )

    def edit_post(
        self, access: str | None, post_id: str, changes: dict[str, Any], etag: str | None
    ) -> Outcome:
        """Change some fields, only if the post still shows as it did under `etag`."""
        values = {_POST_FIELDS[k]: tuple(v) if k == "tags" else v for k, v in changes.items()}
        check = None if etag is None else (lambda view: fingerprint(post_data(view)) == etag)
        cmd = UpdatePostCommand(post_id=UUID(post_id), unchanged_since=check, **values)
        return self.system.as_bearer(
            access, lambda actor: self.container.blog.update_post()(actor, cmd), _edited
        )

    def delete_post(self, access: str | None, post_id: str) -> Outcome:
        """Delete a post."""
        return self.system.as_bearer(
            access,
            lambda actor: self.container.blog.delete_post()(actor, UUID(post_id)),
            lambda _: None,
        )

    def list_posts(self, access: str | None, filters: PostFilters) -> Outcome:
        """List posts."""

        async def act(actor: Actor | None) -> Page[PostView]:
            query = ListPostsQuery(
                search=filters.search,
                tag=filters.tag,
                mine=filters.mine,
                published=filters.published,
                sort=filters.sort,
                page=PageRequest(),
            )
            return await self.container.blog.list_posts()(actor, query)

        return self.system.as_anyone(access, act, page_of(post_data))

    def comment(self, access: str | None, post_id: str, content: str) -> Outcome:
        """Comment on a post."""
        cmd = AddCommentCommand(UUID(post_id), content)
        return self.system.as_bearer(
            access, lambda actor: self.container.blog.add_comment()(actor, cmd), comment_data
        )

    def list_comments(self, access: str | None, post_id: str) -> Outcome:
        """A post's comments."""
        return self.system.as_anyone(
            access,
            lambda _: self.container.blog.list_comments()(UUID(post_id), PageRequest()),
            page_of(comment_data),
        )

    def delete_comment(self, access: str | None, comment_id: str) -> Outcome:
        """Delete a comment."""
        return self.system.as_bearer(
            access,
            lambda actor: self.container.blog.delete_comment()(actor, UUID(comment_id)),
            lambda _: None,
        )

    def list_tags(self, access: str | None) -> Outcome:
        """The tags with their counts."""
        return self.system.as_anyone(
            access,
            lambda _: self.container.blog.list_tags()(),
            lambda tags: [{"name": t.name, "postCount": t.post_count} for t in tags],
        )

    def feed_titles(self, access: str | None) -> Outcome:
        """The titles in the feed."""
        return self.system.as_anyone(
            access,
            lambda _: self.container.blog.latest_posts()(),
            lambda posts: [p.title for p in posts],
        )
