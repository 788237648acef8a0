"""Inputs of the blog use cases, in business terms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from application.blog.views import PostView
from application.shared.paging import PageRequest


@dataclass(frozen=True)
class WritePostCommand:
    """A signed-in user writes a post (a draft unless `published`)."""

    title: str
    content: str
    tags: tuple[str, ...] = ()
    published: bool = False
    cover_image_id: UUID | None = None


@dataclass(frozen=True)
class UpdatePostCommand:
    """A partial edit; None leaves a field as it is.

    `unchanged_since`, when given, is asked about the post as it is now (the caller's
    If-Match against its ETag); False refuses the edit with PostChanged.
    """

    post_id: UUID
    title: str | None = None
    content: str | None = None
    tags: tuple[str, ...] | None = None
    published: bool | None = None
    slug: str | None = None
    cover_image_id: UUID | None = None
    clear_cover: bool = False
    unchanged_since: Callable[[PostView], bool] | None = None


@dataclass(frozen=True)
class ListPostsQuery:
    """The post list as asked: `mine` adds the caller's drafts, `published=False` (staff
    only) lists drafts; `sort` is `field` or `-field`."""

    search: str | None = None
    tag: str | None = None
    author_id: UUID | None = None
    mine: bool = False
    published: bool | None = None
    sort: str | None = None
    page: PageRequest = PageRequest()  # noqa: RUF009 - frozen, immutable default


@dataclass(frozen=True)
class AddCommentCommand:
    """A signed-in user comments on a published post."""

    post_id: UUID
    content: str
