"""Use case: anyone reads a post by its slug."""

from __future__ import annotations

from uuid import UUID

from application.blog.access import reader_of, visible_post
from application.blog.ports import BlogUnitOfWork
from application.blog.views import PostLookup, PostView, post_views
from application.shared.actor import Actor
from domain.blog import PostNotFound


class GetPost:
    """A post by slug; drafts only for their author, editors and admins. An old slug of a
    post the caller may see answers with the slug it moved to."""

    def __init__(self, uow: BlogUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, actor: Actor | None, slug: str) -> PostLookup:
        """The post or where it moved, or PostNotFound."""
        reader = reader_of(actor)
        async with self._uow as uow:
            post = await uow.posts.get_by_slug(slug)
            if post is not None and post.is_visible_to(reader):
                [view] = await post_views(uow, [post])
                return PostLookup(post=view)
            if post is None:
                moved = await uow.posts.get_by_old_slug(slug)
                if moved is not None and moved.is_visible_to(reader):
                    return PostLookup(moved_to=moved.slug)
        raise PostNotFound()


class GetPostById:
    """A post by id, as GetPost decides who sees it (for edits' preconditions and the CLI)."""

    def __init__(self, uow: BlogUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, actor: Actor | None, post_id: UUID) -> PostView:
        """The post, or PostNotFound."""
        async with self._uow as uow:
            post = await visible_post(uow, reader_of(actor), post_id)
            [view] = await post_views(uow, [post])
        return view
