"""Use case: anyone reads a published post's comments."""

from __future__ import annotations

from uuid import UUID

from application.blog.access import published_post
from application.blog.ports import COMMENT_ORDER, COMMENT_SORT_SHAPE, BlogUnitOfWork
from application.blog.views import CommentView, comment_views
from application.shared.paging import Page, PageRequest


class ListComments:
    """One page of a published post's comments, oldest first."""

    def __init__(self, uow: BlogUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, post_id: UUID, page: PageRequest) -> Page[CommentView]:
        """One page, or PostNotFound (drafts have no public comments) / ValidationFailed (a
        cursor made for another list's order)."""
        if page.cursor is not None:
            page.cursor.check_sort(COMMENT_ORDER, COMMENT_SORT_SHAPE)
        async with self._uow as uow:
            await published_post(uow, post_id)
            found = await uow.comments.list(post_id, page)
            views = await comment_views(uow, found.items)
        return Page(
            views, found.page, found.limit, found.total, found.total_exact, found.next_cursor
        )
