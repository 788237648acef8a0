"""The blog's list statements: a page of posts and its total, per shape of query, built once.

A list filters (published, author, tag) and pages by number or by cursor in one of three
orders; a search ranks at most SEARCH_MATCH_LIMIT candidates (adapters/sqlalchemy/blog/
search.py) that carry only their sort keys, then reads the page's posts whole by id.
"""

from __future__ import annotations

import builtins
import functools
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    or_,
    select,
    true,
)

from adapters.sqlalchemy.blog.search import SearchMode, SearchPlan, search_candidates
from adapters.sqlalchemy.blog.tables import post_tags, posts
from adapters.sqlalchemy.metadata import UTCDateTime
from adapters.sqlalchemy.paging import (
    after_cursor,
    after_row,
    after_value,
    after_values,
    bounded_count,
)
from application.blog.ports import NEWEST_PUBLISHED_FIRST
from application.shared.paging import Sort

# Never `select(posts)`: search_vector exists on Postgres only.
POST_COLUMNS = tuple(c for c in posts.c if c.name not in ("seq", "search_vector"))

_SORT_COLUMNS = {"publishedAt": "published_at", "createdAt": "created_at", "title": "title"}
# What ranks and orders a search's candidates: the sort keys (_order) and the id.
_CANDIDATE_COLUMNS = (posts.c.id, posts.c.published_at, posts.c.created_at, posts.c.title)
# Titles lower-cased in code point order everywhere (as the memory adapter sorts them),
# whatever the server's collation: C on Postgres, BINARY on SQLite (UTF-8 sorts as code points).
_BINARY_COLLATION = {"postgresql": "C", "sqlite": "BINARY"}


def published_is(published: bool) -> ColumnElement[bool]:
    """Posts that are (or are not) published."""
    # `= true`, not `IS true`: only an equality can use the (published, published_at) index.
    return posts.c.published == (true() if published else false())


def _order(
    source: Any, sort: Sort | None, searching: bool, drafts: bool, dialect: str
) -> list[Any]:
    """Sort key, then created_at and id in its direction; unsorted: most relevant first when
    searching, then newest published. Posts never published sort last by publishedAt (only
    said when the list may hold drafts: NULLS LAST on a descending key would keep Postgres
    from reading the published list in the index's order)."""

    def by_publication(key: Any) -> Any:
        return key.nulls_last() if drafts else key

    if sort is None:
        lead = [source.rank.desc()] if searching else []
        newest = [by_publication(source.published_at.desc()), source.created_at.desc()]
        return [*lead, *newest, source.id.desc()]
    key = source[_SORT_COLUMNS[sort.field]]
    if sort.field == "title":
        key = _title_key(dialect, key)
    first = key.desc() if sort.descending else key.asc()
    if sort.field == "publishedAt":
        first = by_publication(first)
    rest = [source.created_at, source.id]
    return [first, *(c.desc() if sort.descending else c.asc() for c in rest)]


def _title_key(dialect: str, title: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.lower(title).collate(_BINARY_COLLATION[dialect])


def _after_cursor(dialect: str, sort: Sort, drafts: bool) -> ColumnElement[bool]:
    """Posts after the cursor's in the page's order (`_order`): the whole key compared, the
    cursor's parts (POST_SORT_VALUES) bound as `after_value_<n>`, or `after_value`."""
    c, descending = posts.c, sort.descending
    if sort.field == "createdAt":
        return after_cursor(c.created_at, after_value(UTCDateTime()), c.id, descending)
    if sort.field == "title":
        title, created = after_values(String(), UTCDateTime())
        keys = (_title_key(dialect, c.title), c.created_at)
        return after_row(keys, (_title_key(dialect, title), created), c.id, descending)
    # By publication, undated posts last in either direction: a flag (1: no date), then the
    # date (their creation date standing in), so that no part of the key is NULL.
    flag, published_at, created = after_values(Integer(), UTCDateTime(), UTCDateTime())
    if not drafts:
        # Only published posts (dated): the plain columns the (published, published_at)
        # index reads; after an undated post's cursor there is none.
        keys = (c.published_at, c.created_at)
        after = after_row(keys, (published_at, created), c.id, descending)
        return and_(flag == 0, after)
    undated = case((c.published_at.is_(None), 1), else_=0)
    keys = (func.coalesce(c.published_at, c.created_at), c.created_at)
    later = after_row(keys, (published_at, created), c.id, descending)
    return or_(undated > flag, and_(undated == flag, later))


@functools.lru_cache(maxsize=256)
def list_statements(
    dialect: str,
    published: bool | None,
    by_author: bool,
    by_tag: bool,
    search: tuple[SearchMode, int] | None,
    sort: Sort | None,
    cursor: bool = False,
) -> tuple[Select[Any], Select[Any]]:
    """The page and count statements of one shape of query, built once. The count stops at
    the count limit; with a cursor (never with a search) the page starts after its post."""
    conditions: builtins.list[ColumnElement[bool]] = []
    if published is not None:
        conditions.append(published_is(published))
    if by_author:
        conditions.append(posts.c.author_id == bindparam("author_id"))
    if by_tag:
        conditions.append(
            exists().where(post_tags.c.post_id == posts.c.id, post_tags.c.tag == bindparam("tag"))
        )
    offset = bindparam("offset", type_=Integer)
    limit = bindparam("limit", type_=Integer)
    if search is None:
        drafts = published is not True
        page_conditions = list(conditions)
        if cursor:
            page_conditions.append(_after_cursor(dialect, sort or NEWEST_PUBLISHED_FIRST, drafts))
        page_stmt = (
            select(*POST_COLUMNS)
            .where(*page_conditions)
            .order_by(*_order(posts.c, sort, False, drafts, dialect))
            .offset(offset)
            .limit(limit)
        )
        return page_stmt, bounded_count(posts.c.id, conditions)
    mode, terms = search
    drafts = published is not True
    # Candidates carry only what ranks and sorts them; the page's posts are read whole by
    # id afterwards, so a wide post is copied twenty times, not once per candidate.
    candidates = search_candidates(_shape(mode, terms), _CANDIDATE_COLUMNS, conditions)
    # The total rides along on every row (a window over the candidates), so the search's
    # scan runs once; the count statement is only for a page past the end.
    top = (
        select(*candidates.c, func.count().over().label("total"))
        .order_by(*_order(candidates.c, sort, True, drafts, dialect))
        .offset(offset)
        .limit(limit)
        .subquery("top")
    )
    page_stmt = (
        select(*POST_COLUMNS, top.c.total)
        .join_from(top, posts, posts.c.id == top.c.id)
        .order_by(*_order(top.c, sort, True, drafts, dialect))
    )
    # Counted without ranking: the rank of a post that is not shown costs for nothing.
    matches = search_candidates(_shape(mode, terms), (posts.c.id,), conditions, ranked=False)
    return page_stmt, select(func.count()).select_from(matches)


def _shape(mode: SearchMode, terms: int) -> SearchPlan:
    # A plan without parameters: the statement depends only on the mode and the term count.
    return SearchPlan(mode, terms, {})
