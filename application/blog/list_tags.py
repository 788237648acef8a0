"""Use case: anyone lists the tags of published posts."""

from __future__ import annotations

from application.blog.ports import BlogUnitOfWork, TagCount


class ListTags:
    """Every tag of a published post with its count, most used first."""

    def __init__(self, uow: BlogUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self) -> list[TagCount]:
        """The tags (drafts' tags never counted)."""
        async with self._uow as uow:
            return await uow.posts.tag_counts()
