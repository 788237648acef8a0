"""The blog's SQL comment repository: comments by post, oldest first, and counts per post."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Integer, Select, bindparam, delete, func, insert, select

from adapters.sqlalchemy.blog.tables import comments
from adapters.sqlalchemy.mapping import EntityMapping
from adapters.sqlalchemy.metadata import UTCDateTime
from adapters.sqlalchemy.paging import (
    after_cursor,
    after_value,
    bounded_count,
    ordered,
    page_params,
)
from adapters.sqlalchemy.reader import ReadConnection, Reader
from adapters.sqlalchemy.statements import in_ids
from application.blog.ports import COMMENT_ORDER, comment_sort_value
from application.shared.paging import Page, PageRequest, fetched_page
from domain.blog import Comment

_COMMENT = EntityMapping(Comment, comments)
_COMMENT_BY_ID = select(comments).where(comments.c.id == bindparam("comment_id"))
_OF_POST = comments.c.post_id == bindparam("post_id")


def _comments_page(cursor: bool) -> Select[Any]:
    # Oldest first, the id breaking ties; with a cursor, after its comment (keyset paging on
    # the (post_id, created_at) index).
    conditions = [_OF_POST]
    if cursor:
        value = after_value(UTCDateTime())
        conditions.append(after_cursor(comments.c.created_at, value, comments.c.id, False))
    return (
        select(comments)
        .where(*conditions)
        .order_by(*ordered(comments.c.created_at, comments.c.id, False))
        .offset(bindparam("offset", type_=Integer))
        .limit(bindparam("limit", type_=Integer))
    )


_COMMENTS_PAGE = {cursor: _comments_page(cursor) for cursor in (False, True)}
_COMMENTS_TOTAL = bounded_count(comments.c.id, [_OF_POST])


@functools.lru_cache(maxsize=4)
def _comment_counts_statement(dialect: str) -> Select[Any]:
    return (
        select(comments.c.post_id, func.count().label("comments"))
        .where(in_ids(comments.c.post_id, dialect))
        .group_by(comments.c.post_id)
    )


class SqlCommentRepository:
    """Comments in the `comments` table; they go with their post (ON DELETE CASCADE)."""

    def __init__(self, connection: ReadConnection, dialect: str, reader: Reader) -> None:
        self._connection = connection
        self._dialect = dialect
        self._reader = reader

    async def add(self, comment: Comment) -> None:
        """Insert the comment."""
        await self._connection.execute(insert(comments).values(_COMMENT.values(comment)))

    async def get(self, comment_id: UUID) -> Comment | None:
        """The comment, if any."""
        row = await self._reader.first(_COMMENT_BY_ID, {"comment_id": comment_id})
        return _COMMENT.entity(row) if row else None

    async def delete(self, comment_id: UUID) -> None:
        """Remove the comment."""
        await self._connection.execute(delete(comments).where(comments.c.id == comment_id))

    async def list(self, post_id: UUID, page: PageRequest) -> Page[Comment]:
        """One page of the post's comments, oldest first (ties by id), by number or after a
        cursor, and their total counted up to the count limit: two statements."""
        params = {**page_params(page), "post_id": post_id}
        rows = await self._reader.all(_COMMENTS_PAGE[page.cursor is not None], params)
        total = int(await self._reader.scalar(_COMMENTS_TOTAL, params))
        items = [_COMMENT.entity(row) for row in rows]
        return fetched_page(items, page, COMMENT_ORDER, total, comment_sort_value)

    async def counts(self, post_ids: Sequence[UUID]) -> dict[UUID, int]:
        """How many comments each post has, in one statement (posts without any are left out)."""
        if not post_ids:
            return {}
        statement = _comment_counts_statement(self._dialect)
        rows = await self._reader.all(statement, {"ids": list(post_ids)})
        return {row["post_id"]: int(row["comments"]) for row in rows}
