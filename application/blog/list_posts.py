"""Use case: anyone lists published posts; authors add their drafts, staff list drafts."""

from __future__ import annotations

from application.blog.access import reader_of, require_writer
from application.blog.commands import ListPostsQuery
from application.blog.ports import (
    NEWEST_PUBLISHED_FIRST,
    POST_SORT_FIELDS,
    POST_SORT_SHAPES,
    BlogUnitOfWork,
    PostQuery,
)
from application.blog.views import PostView, post_views
from application.shared.actor import Actor
from application.shared.paging import Page, Sort
from domain.blog import normalize_tag
from domain.errors import AuthenticationFailed, PermissionDenied, ValidationFailed

DEFAULT_POST_SORT = NEWEST_PUBLISHED_FIRST


class ListPosts:
    """One page of posts: published ones (filtered, searched, sorted); `mine` lists the
    caller's own posts drafts included; `published=False` lists drafts, for staff."""

    def __init__(self, uow: BlogUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, actor: Actor | None, query: ListPostsQuery) -> Page[PostView]:
        """One page, or ValidationFailed (unknown sort, a cursor made for another sort or
        with a search) / PermissionDenied (drafts asked by someone who isn't staff) /
        AuthenticationFailed (drafts or `mine` asked anonymously)."""
        reader = reader_of(actor)
        search = (query.search or "").strip() or None
        # With search and no sort, the most relevant come first (the repository's order).
        default = None if search else DEFAULT_POST_SORT
        sort = (
            Sort.parse(query.sort, POST_SORT_FIELDS, DEFAULT_POST_SORT)
            if query.sort is not None
            else default
        )
        cursor = query.page.cursor
        if cursor is not None:
            if sort is None or search:
                # Relevance is no keyset; and a sorted search pages among a bounded set of
                # ranked candidates, where page numbers are cheap.
                raise ValidationFailed.of("cursor", "Search results page by number, not cursor")
            cursor.check_sort(sort, POST_SORT_SHAPES[sort.field])
        published: bool | None = True
        author_id = query.author_id
        if query.mine:
            if actor is None:
                raise AuthenticationFailed("Sign in to list your own posts")
            author_id = require_writer(actor)
            published = query.published
        elif query.published is False:
            if actor is None:
                raise AuthenticationFailed("Sign in to list drafts")
            if not reader.is_staff:
                raise PermissionDenied("Only editors and admins list drafts")
            published = False
        tag = normalize_tag(query.tag) if query.tag else None
        repo_query = PostQuery(
            published=published,
            author_id=author_id,
            tag=tag,
            search=search,
            sort=sort,
            page=query.page,
        )
        async with self._uow as uow:
            page = await uow.posts.list(repo_query)
            views = await post_views(uow, page.items)
        # The visibility filters above are the repository's query whatever the cursor says:
        # it only names where to start among the posts this reader may see.
        return Page(views, page.page, page.limit, page.total, page.total_exact, page.next_cursor)
