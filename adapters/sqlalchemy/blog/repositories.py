"""The blog's SQL post repository: posts with their tags and old slugs, lists and search.

A list is a fixed number of statements whatever its page size: the page, its total, and the
tags of every post on it in one more (never one per post).
"""

from __future__ import annotations

import builtins
import functools
from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Integer,
    Select,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from adapters.sqlalchemy.blog.listing import POST_COLUMNS, list_statements, published_is
from adapters.sqlalchemy.blog.search import search_mode, search_plan
from adapters.sqlalchemy.blog.tables import post_slugs, post_tags, posts
from adapters.sqlalchemy.mapping import EntityMapping
from adapters.sqlalchemy.paging import page_params
from adapters.sqlalchemy.reader import ReadConnection, Reader, Row, writable
from adapters.sqlalchemy.statements import in_ids
from application.blog.ports import (
    NEWEST_PUBLISHED_FIRST,
    POST_SORT_VALUES,
    SEARCH_MATCH_LIMIT,
    PostQuery,
    TagCount,
)
from application.shared.paging import Page, fetched_page
from domain.blog import Post, PostChanged, SlugTaken

# `seq` is SQLite's FTS5 rowid and `search_vector` Postgres's index: neither is the post's.
_POST = EntityMapping(Post, posts, elsewhere=("tags",), table_only=("seq", "search_vector"))


@functools.lru_cache(maxsize=4)
def _tags_statement(dialect: str) -> Select[Any]:
    return (
        select(post_tags.c.post_id, post_tags.c.tag)
        .where(in_ids(post_tags.c.post_id, dialect))
        .order_by(post_tags.c.post_id, post_tags.c.position)
    )


_POST_BY_ID = select(*POST_COLUMNS).where(posts.c.id == bindparam("post_id"))
_POST_BY_SLUG = select(*POST_COLUMNS).where(posts.c.slug == bindparam("slug"))
_POST_BY_OLD_SLUG = (
    select(*POST_COLUMNS)
    .select_from(posts.join(post_slugs, post_slugs.c.post_id == posts.c.id))
    .where(post_slugs.c.slug == bindparam("slug"))
)
_OLD_SLUG_OWNER = select(post_slugs.c.post_id).where(post_slugs.c.slug == bindparam("slug"))
_TAG_COUNTS = (
    select(post_tags.c.tag, func.count().label("post_count"))
    .select_from(post_tags.join(posts, posts.c.id == post_tags.c.post_id))
    .where(published_is(True))
    .group_by(post_tags.c.tag)
    .order_by(func.count().desc(), post_tags.c.tag)
)
_LATEST = (
    select(*POST_COLUMNS)
    .where(published_is(True))
    .order_by(posts.c.published_at.desc(), posts.c.created_at.desc(), posts.c.id.desc())
    .limit(bindparam("limit", type_=Integer))
)


class SqlPostRepository:
    """Posts in the `posts` table, their tags in `post_tags`, old slugs in `post_slugs`."""

    def __init__(self, connection: ReadConnection, dialect: str, reader: Reader) -> None:
        self._connection = connection
        self._dialect = dialect
        self._reader = reader

    async def _with_tags(self, rows: Sequence[Row]) -> builtins.list[Post]:
        """The posts of these rows, their tags read in one statement."""
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        tag_rows = await self._reader.all(_tags_statement(self._dialect), {"ids": ids})
        tags: defaultdict[UUID, builtins.list[str]] = defaultdict(list)
        for tag_row in tag_rows:
            tags[tag_row["post_id"]].append(tag_row["tag"])
        return [_POST.entity(row, tags=tuple(tags[row["id"]])) for row in rows]

    async def _one(self, statement: Select[Any], params: dict[str, Any]) -> Post | None:
        row = await self._reader.first(statement, params)
        return (await self._with_tags([row]))[0] if row else None

    async def get(self, post_id: UUID) -> Post | None:
        """The post by id, drafts included."""
        return await self._one(_POST_BY_ID, {"post_id": post_id})

    async def get_by_slug(self, slug: str) -> Post | None:
        """The post whose current slug this is, drafts included."""
        return await self._one(_POST_BY_SLUG, {"slug": slug})

    async def get_by_old_slug(self, slug: str) -> Post | None:
        """The post that used to answer at this slug."""
        return await self._one(_POST_BY_OLD_SLUG, {"slug": slug})

    async def _old_slug_owner(self, slug: str) -> UUID | None:
        row = (await self._connection.execute(_OLD_SLUG_OWNER, {"slug": slug})).first()
        return row.post_id if row else None

    async def _insert_tags(self, post: Post) -> None:
        if post.tags:
            await self._connection.execute(
                insert(post_tags),
                [
                    {"post_id": post.id, "tag": tag, "position": n}
                    for n, tag in enumerate(post.tags)
                ],
            )

    async def add(self, post: Post) -> None:
        """Insert the post and its tags; SlugTaken when the slug is any post's current one
        (the unique index decides) or old one."""
        if await self._old_slug_owner(post.slug) is not None:
            raise SlugTaken()
        # The savepoint keeps the outer transaction usable after the unique index refuses,
        # so the use case can retry with the next slug.
        try:
            async with writable(self._connection).begin_nested():
                await self._connection.execute(insert(posts).values(_POST.values(post)))
                await self._insert_tags(post)
        except IntegrityError as exc:
            if "slug" in str(exc.orig).lower():
                raise SlugTaken() from exc
            raise

    async def update(self, post: Post, expected_version: int) -> None:
        """Every field and the tags, only if the stored version is `expected_version`
        (PostChanged otherwise); a changed slug keeps the previous one as an old slug, and a
        slug another post answers at raises SlugTaken. Nothing is written on either."""
        current = select(posts.c.slug).where(posts.c.id == post.id)
        if self._dialect == "postgresql":
            current = current.with_for_update()
        try:
            async with writable(self._connection).begin_nested():
                previous = (await self._connection.execute(current)).first()
                if previous is None:
                    raise PostChanged()
                if previous.slug != post.slug:
                    await self._move_slug(post.id, previous.slug, post.slug)
                values = _POST.values(post)
                del values["id"]
                changed = await self._connection.execute(
                    update(posts)
                    .where(posts.c.id == post.id, posts.c.version == expected_version)
                    .values(values)
                    .returning(posts.c.id)
                )
                if changed.first() is None:
                    raise PostChanged()
                await self._connection.execute(
                    delete(post_tags).where(post_tags.c.post_id == post.id)
                )
                await self._insert_tags(post)
        except IntegrityError as exc:
            if "slug" in str(exc.orig).lower():
                raise SlugTaken() from exc
            raise

    async def _move_slug(self, post_id: UUID, old: str, new: str) -> None:
        """Keep `old` answering for the post; `new` must be free or one of its own old slugs."""
        owner = await self._old_slug_owner(new)
        if owner == post_id:
            # Back to a slug it had before: current again, so no longer an old one.
            await self._connection.execute(delete(post_slugs).where(post_slugs.c.slug == new))
        elif owner is not None:
            raise SlugTaken()
        await self._connection.execute(insert(post_slugs).values(slug=old, post_id=post_id))

    async def delete(self, post_id: UUID) -> None:
        """Remove the post; tags, old slugs and comments go with it (ON DELETE CASCADE)."""
        await self._connection.execute(delete(posts).where(posts.c.id == post_id))

    async def tag_counts(self) -> builtins.list[TagCount]:
        """Every tag of a published post with its count, most used first, then by name."""
        rows = await self._reader.all(_TAG_COUNTS, {})
        return [TagCount(row["tag"], int(row["post_count"])) for row in rows]

    async def latest_published(self, limit: int) -> builtins.list[Post]:
        """The `limit` most recently published posts."""
        return await self._with_tags(await self._reader.all(_LATEST, {"limit": limit}))

    async def list(self, query: PostQuery) -> Page[Post]:
        """One page and its bounded total in three statements (page, total, the page's
        tags); a search's page carries its total, so two then. By number or after a cursor;
        a search by number only (its cursor, which the use case refuses, is ignored)."""
        request = query.page
        params = page_params(request)
        search = None
        if query.search is not None:
            plan = search_plan(await search_mode(self._connection), query.search)
            if plan is None:  # nothing searchable in the words: nothing matches
                return Page(items=[], page=request.page, limit=request.limit, total=0)
            params.update(plan.params)
            params["limit"] = request.limit  # no next cursor to look ahead for
            search = (plan.mode, plan.terms)
        if query.author_id is not None:
            params["author_id"] = query.author_id
        if query.tag is not None:
            params["tag"] = query.tag
        page_stmt, count_stmt = list_statements(
            self._dialect,
            query.published,
            query.author_id is not None,
            query.tag is not None,
            search,
            query.sort,
            search is None and request.cursor is not None,
        )
        # A search is planned for its words: the best plan for a word in five posts (the
        # index) is the worst for one in half of them (a scan stopping at the bound).
        searching = search is not None
        rows = await self._reader.all(page_stmt, params, planned_per_call=searching)
        if search is None:
            total = int(await self._reader.scalar(count_stmt, params))
            sort = query.sort or NEWEST_PUBLISHED_FIRST
            items = await self._with_tags(rows)
            return fetched_page(items, request, sort, total, POST_SORT_VALUES[sort.field])
        if rows:
            total = int(rows[0]["total"])
        else:
            total = int(await self._reader.scalar(count_stmt, params, planned_per_call=True))
        # Counted among at most SEARCH_MATCH_LIMIT matches: that many may mean more.
        return Page(
            items=await self._with_tags(rows),
            page=request.page,
            limit=request.limit,
            total=min(total, request.count_limit),
            total_exact=total < SEARCH_MATCH_LIMIT and total <= request.count_limit,
        )
