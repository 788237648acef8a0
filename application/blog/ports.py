"""Blog ports: posts (with their tags and old slugs), comments, the cover images they may
show and the names of their authors."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.shared.paging import Page, PageRequest, Sort, SortShape, SortValue
from application.shared.ports import Transaction
from domain.blog import Comment, Post

POST_SORT_FIELDS = ("publishedAt", "createdAt", "title")
# Newest published first: a blog's front page, and the order of an unsearched list sent no sort.
NEWEST_PUBLISHED_FIRST = Sort("publishedAt", descending=True)


def _publication(post: Post) -> SortValue:
    # Never published (no date) sorts after every published post, whichever the direction: a
    # flag first (1: no date), then the date, a draft's creation date standing in for it.
    # Non-null parts only, so keyset comparisons work alike in SQL (no NULL in a row value).
    if post.published_at is None:
        return (1, post.created_at, post.created_at)
    return (0, post.published_at, post.created_at)


# The value a post sorts by, per sort field, with every tie-breaker before the id (creation
# time): what a page's next cursor carries.
POST_SORT_VALUES: Mapping[str, Callable[[Post], SortValue]] = {
    "publishedAt": _publication,
    "createdAt": lambda post: post.created_at,
    "title": lambda post: (post.title, post.created_at),
}
# What a cursor's value is, per sort field (anything else is a forged cursor).
POST_SORT_SHAPES: Mapping[str, SortShape] = {
    "publishedAt": (int, datetime, datetime),
    "createdAt": datetime,
    "title": (str, datetime),
}

# A search ranks, and counts, at most this many matching posts: ranking reads every
# candidate, so a word in half of 100,000 posts then costs about what one in 500 does. Its
# total is exact below this bound, and "at least this many" at it.
SEARCH_MATCH_LIMIT = 500

# A post's comments have one order, oldest first (the id breaks ties): their cursors name it.
COMMENT_ORDER = Sort("createdAt")
COMMENT_SORT_SHAPE: SortShape = datetime


def comment_sort_value(comment: Comment) -> SortValue:
    """What a comment sorts by, what a page's next cursor carries: when it was written."""
    return comment.created_at


@dataclass(frozen=True)
class PostQuery:
    """Filters for the post list.

    `published`: True only published posts, False only drafts, None both. `author_id`: one
    author's posts. `tag`: posts carrying this (normalized) tag. `search`: the user's raw
    words, full-text over title and content (stemmed: "running" finds "runs"). `sort` None:
    most relevant first with `search`, else newest published first (NEWEST_PUBLISHED_FIRST).
    Ties are broken by `created_at` then `id`, in the sort's direction; posts without
    `published_at` sort last when sorting by it. `page.cursor` (never with `search`: a
    ranking has no keyset) starts after the post whose POST_SORT_VALUES it carries.
    """

    published: bool | None = True
    author_id: UUID | None = None
    tag: str | None = None
    search: str | None = None
    sort: Sort | None = None
    page: PageRequest = PageRequest()  # noqa: RUF009 - frozen, immutable default


@dataclass(frozen=True)
class TagCount:
    """A tag and how many published posts carry it."""

    name: str
    post_count: int


class PostRepository(Protocol):
    """Stores posts with their tags. A slug answers for one post only: a current slug is
    unique (the database's unique index decides, not a count), and an old slug keeps
    answering for the post it was taken from."""

    async def add(self, post: Post) -> None:
        """Insert a new post with its tags; SlugTaken when its slug is any post's current or
        old slug (nothing is written then)."""
        ...

    async def get(self, post_id: UUID) -> Post | None:
        """The post by id, drafts included."""
        ...

    async def get_by_slug(self, slug: str) -> Post | None:
        """The post whose current slug this is, drafts included."""
        ...

    async def get_by_old_slug(self, slug: str) -> Post | None:
        """The post that used to answer at this slug before its slug changed."""
        ...

    async def update(self, post: Post, expected_version: int) -> None:
        """Persist every field and the tags, only if the stored version is still
        `expected_version` (one conditional UPDATE), else PostChanged. When the slug changed
        the previous one is kept as an old slug of the post; a new slug taken by another
        post (current or old) raises SlugTaken and nothing is written."""
        ...

    async def delete(self, post_id: UUID) -> None:
        """Remove the post, its tags, old slugs and comments."""
        ...

    async def tag_counts(self) -> list[TagCount]:
        """Every tag of a published post with its count, most used first, then by name."""
        ...

    async def latest_published(self, limit: int) -> list[Post]:
        """The `limit` most recently published posts (for the feed)."""
        ...

    async def list(self, query: PostQuery) -> Page[Post]:
        """One page of posts and the total matching, counted up to the count limit; a fixed
        number of statements whatever the page size (tags included). A search's page has no
        next cursor."""
        ...


class CommentRepository(Protocol):
    """Stores comments; they go with their post."""

    async def add(self, comment: Comment) -> None:
        """Insert a comment."""
        ...

    async def get(self, comment_id: UUID) -> Comment | None:
        """The comment, if any."""
        ...

    async def delete(self, comment_id: UUID) -> None:
        """Remove the comment."""
        ...

    async def list(self, post_id: UUID, page: PageRequest) -> Page[Comment]:
        """One page of a post's comments in COMMENT_ORDER (oldest first, ties by id), or the
        page after the cursor's comment, with their total counted up to the count limit."""
        ...

    async def counts(self, post_ids: Sequence[UUID]) -> dict[UUID, int]:
        """How many comments each of these posts has, in ONE query (posts without comments
        may be missing from the answer: they have 0)."""
        ...


class MediaLookup(Protocol):
    """Uploaded files as the blog sees them (answered from the media files' table)."""

    async def exists(self, media_id: UUID) -> bool:
        """True when an uploaded file has this id (a cover image must name one)."""
        ...


class AuthorNames(Protocol):
    """The display names of the users who write posts and comments (from the accounts)."""

    async def names(self, user_ids: Sequence[UUID]) -> dict[UUID, str | None]:
        """Each of these users' name (None when they set none), in one query; users that no
        longer exist are missing from the answer."""
        ...


class CommentLimiter(Protocol):
    """Counts the comments each user writes, in a sliding window shared by every replica."""

    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        """Count one comment under `key`; None when within `limit` per window, else the whole
        seconds until one more is allowed (the hit is not counted then)."""
        ...


class BlogUnitOfWork(Transaction, Protocol):
    """One transaction over posts, comments and what they refer to."""

    posts: PostRepository
    comments: CommentRepository
    media: MediaLookup
    authors: AuthorNames
