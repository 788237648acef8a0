"""Use case: anyone reads the feed of the latest published posts."""

from __future__ import annotations

from application.blog.ports import BlogUnitOfWork
from application.blog.views import PostView, post_views
from domain.blog import FEED_SIZE


class LatestPosts:
    """The FEED_SIZE most recently published posts, newest first (for the Atom feed)."""

    def __init__(self, uow: BlogUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self) -> list[PostView]:
        """The posts (never drafts)."""
        async with self._uow as uow:
            posts = await uow.posts.latest_published(FEED_SIZE)
            return await post_views(uow, posts)
