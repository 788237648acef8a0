"""The blog context in memory: posts (with tags and old slugs) and comments, a stemming
search ranking title matches above content ones, and the blog's views of files and users."""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

from adapters.memory.paging import keyset_page
from adapters.memory.registry import MemoryContextRepositories
from application.blog.ports import (
    COMMENT_ORDER,
    NEWEST_PUBLISHED_FIRST,
    POST_SORT_VALUES,
    SEARCH_MATCH_LIMIT,
    AuthorNames,
    CommentRepository,
    MediaLookup,
    PostQuery,
    PostRepository,
    TagCount,
    comment_sort_value,
)
from application.shared.paging import Page, PageRequest, Sort, SortValue
from domain.accounts import User
from domain.blog import Comment, Post, PostChanged, SlugTaken
from domain.media import MediaFile

_WORD = re.compile(r"\w+")
# Longest first, so "ies" wins over "s"; a stem keeps at least three letters.
_SUFFIXES = ("ingly", "edly", "ing", "ies", "ied", "ed", "es", "ly", "s")
_TITLE_WEIGHT = 10


def stem(word: str) -> str:
    """A word reduced to its stem by a few English suffix rules ("running", "runs" and
    "run" all become "run"), enough for a stand-in of the databases' stemmers."""
    word = word.lower()
    for suffix in _SUFFIXES:
        if suffix == "s" and word.endswith(("ss", "us", "is")):
            continue  # "class", "status", "this" are no plurals
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                word += "y"
            # "running" -> "runn" -> "run": a doubled final consonant is undone.
            elif len(word) >= 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
                word = word[:-1]
            break
    return word


def stems(text: str) -> list[str]:
    """The stems of every word in the text."""
    return [stem(w) for w in _WORD.findall(text)]


def relevance(post: Post, terms: Sequence[str]) -> int:
    """How well the post matches every term (0: some term is missing); a title match weighs
    _TITLE_WEIGHT content matches."""
    title, content = stems(post.title), stems(post.content)
    score = 0
    for term in terms:
        hits = _TITLE_WEIGHT * title.count(term) + content.count(term)
        if hits == 0:
            return 0
        score += hits
    return score


@dataclass
class BlogTables:
    """The blog part of the in-memory store."""

    posts: dict[UUID, Post] = field(default_factory=dict)
    # old slug -> the post it answered for
    post_slugs: dict[str, UUID] = field(default_factory=dict)
    comments: dict[UUID, Comment] = field(default_factory=dict)


class BlogStore(Protocol):
    """What the blog repositories read: posts, comments, files and users."""

    posts: dict[UUID, Post]
    post_slugs: dict[str, UUID]
    comments: dict[UUID, Comment]
    media_files: dict[UUID, MediaFile]
    users: dict[UUID, User]


def _parts(value: SortValue) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else (value,)


def _sort_key(sort: Sort) -> Callable[[SortValue, UUID], Any]:
    """The order of a sort over POST_SORT_VALUES and the id, as SQL sorts: titles lower-cased;
    by publication, posts without a date last in both directions (their flag, 1, is flipped
    for a descending sort, which reverses the whole key)."""
    if sort.field == "title":
        return lambda value, post_id: (
            (_parts(value)[0].lower(), *_parts(value)[1:]),
            str(post_id),
        )
    if sort.field == "publishedAt" and sort.descending:
        return lambda value, post_id: (
            (1 - _parts(value)[0], *_parts(value)[1:]),
            str(post_id),
        )
    return lambda value, post_id: (_parts(value), str(post_id))


def _ranked_page(items: builtins.list[Post], request: PageRequest) -> Page[Post]:
    # A search's page: by number only (a ranking has no keyset), among the matches ranked
    # (at most SEARCH_MATCH_LIMIT: that many may mean more).
    start = request.offset
    return Page(
        items=items[start : start + request.limit],
        page=request.page,
        limit=request.limit,
        total=min(len(items), request.count_limit),
        total_exact=len(items) < SEARCH_MATCH_LIMIT and len(items) <= request.count_limit,
    )


class MemoryPostRepository:
    """Posts in a dict (they are frozen, so sharing them is safe)."""

    def __init__(self, store: BlogStore) -> None:
        self._store = store

    def _taken(self, slug: str, by: UUID) -> bool:
        current = any(p.slug == slug and p.id != by for p in self._store.posts.values())
        old = self._store.post_slugs.get(slug)
        return current or (old is not None and old != by)

    async def add(self, post: Post) -> None:
        """Insert, unless the slug answers for another post."""
        if self._taken(post.slug, post.id):
            raise SlugTaken()
        self._store.posts[post.id] = post

    async def get(self, post_id: UUID) -> Post | None:
        """By id."""
        return self._store.posts.get(post_id)

    async def get_by_slug(self, slug: str) -> Post | None:
        """By current slug."""
        return next((p for p in self._store.posts.values() if p.slug == slug), None)

    async def get_by_old_slug(self, slug: str) -> Post | None:
        """By a slug the post had before."""
        post_id = self._store.post_slugs.get(slug)
        return self._store.posts.get(post_id) if post_id is not None else None

    async def update(self, post: Post, expected_version: int) -> None:
        """Replace, if still at the expected version; remember the previous slug."""
        stored = self._store.posts.get(post.id)
        if stored is None or stored.version != expected_version:
            raise PostChanged()
        if post.slug != stored.slug:
            if self._taken(post.slug, post.id):
                raise SlugTaken()
            self._store.post_slugs.pop(post.slug, None)
            self._store.post_slugs[stored.slug] = post.id
        self._store.posts[post.id] = post

    async def delete(self, post_id: UUID) -> None:
        """Remove the post, its old slugs and comments."""
        self._store.posts.pop(post_id, None)
        for slug in [s for s, owner in self._store.post_slugs.items() if owner == post_id]:
            del self._store.post_slugs[slug]
        for cid in [c.id for c in self._store.comments.values() if c.post_id == post_id]:
            del self._store.comments[cid]

    async def list(self, query: PostQuery) -> Page[Post]:
        """Filter, search (every term must match), sort or rank, slice."""
        items = list(self._store.posts.values())
        if query.published is not None:
            items = [p for p in items if p.published is query.published]
        if query.author_id is not None:
            items = [p for p in items if p.author_id == query.author_id]
        if query.tag is not None:
            items = [p for p in items if query.tag in p.tags]
        sort = query.sort or NEWEST_PUBLISHED_FIRST
        value, key = POST_SORT_VALUES[sort.field], _sort_key(sort)
        items.sort(key=lambda p: key(value(p), p.id), reverse=sort.descending)
        if not query.search:
            return keyset_page(items, query.page, sort, value, key)
        terms = stems(query.search)
        # The first SEARCH_MATCH_LIMIT matches in the order the posts were stored are ranked,
        # as a database's search takes them in its table's order.
        scores = self._first_match_scores(items, terms)
        matching = [(scores[p.id], p) for p in items if p.id in scores]
        if query.sort is None:
            # Stable: equal scores keep the newest-published-first order above.
            matching.sort(key=lambda pair: pair[0], reverse=True)
        return _ranked_page([p for _, p in matching], query.page)

    def _first_match_scores(
        self, candidates: builtins.list[Post], terms: builtins.list[str]
    ) -> dict[UUID, int]:
        allowed = {p.id for p in candidates}
        scores: dict[UUID, int] = {}
        for post in self._store.posts.values():
            if post.id in allowed and (score := relevance(post, terms)) > 0:
                scores[post.id] = score
                if len(scores) == SEARCH_MATCH_LIMIT:
                    break
        return scores

    async def tag_counts(self) -> builtins.list[TagCount]:
        """Tags of published posts, most used first, then by name."""
        counts: dict[str, int] = {}
        for post in self._store.posts.values():
            if post.published:
                for tag in post.tags:
                    counts[tag] = counts.get(tag, 0) + 1
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [TagCount(name, count) for name, count in ordered]

    async def latest_published(self, limit: int) -> builtins.list[Post]:
        """Newest published first."""
        published = [p for p in self._store.posts.values() if p.published]
        value, key = POST_SORT_VALUES["publishedAt"], _sort_key(NEWEST_PUBLISHED_FIRST)
        published.sort(key=lambda p: key(value(p), p.id), reverse=True)
        return published[:limit]


def _comment_key(value: SortValue, comment_id: UUID) -> tuple[SortValue, str]:
    return (value, str(comment_id))


class MemoryCommentRepository:
    """Comments in a dict."""

    def __init__(self, store: BlogStore) -> None:
        self._store = store

    async def add(self, comment: Comment) -> None:
        """Insert."""
        self._store.comments[comment.id] = comment

    async def get(self, comment_id: UUID) -> Comment | None:
        """By id."""
        return self._store.comments.get(comment_id)

    async def delete(self, comment_id: UUID) -> None:
        """Remove."""
        self._store.comments.pop(comment_id, None)

    async def list(self, post_id: UUID, page_request: PageRequest) -> Page[Comment]:
        """Oldest first (id breaks ties), after the cursor's comment if any."""
        items = [c for c in self._store.comments.values() if c.post_id == post_id]
        items.sort(key=lambda c: _comment_key(comment_sort_value(c), c.id))
        return keyset_page(items, page_request, COMMENT_ORDER, comment_sort_value, _comment_key)

    async def counts(self, post_ids: Sequence[UUID]) -> dict[UUID, int]:
        """Comments per post, for the posts that have some."""
        wanted = set(post_ids)
        counts: dict[UUID, int] = {}
        for comment in self._store.comments.values():
            if comment.post_id in wanted:
                counts[comment.post_id] = counts.get(comment.post_id, 0) + 1
        return counts


class MemoryMediaLookup:
    """The blog's view of the uploaded files."""

    def __init__(self, store: BlogStore) -> None:
        self._store = store

    async def exists(self, media_id: UUID) -> bool:
        """A file has this id."""
        return media_id in self._store.media_files


class MemoryAuthorNames:
    """The blog's view of the users."""

    def __init__(self, store: BlogStore) -> None:
        self._store = store

    async def names(self, user_ids: Sequence[UUID]) -> dict[UUID, str | None]:
        """Names of the users that exist."""
        users = self._store.users
        return {i: users[i].name for i in user_ids if i in users}


class MemoryBlogRepositories(MemoryContextRepositories):
    """The blog repositories of a memory unit of work."""

    posts: PostRepository
    comments: CommentRepository
    media: MediaLookup
    authors: AuthorNames

    REPOSITORIES = {
        "posts": MemoryPostRepository,
        "comments": MemoryCommentRepository,
        "media": MemoryMediaLookup,
        "authors": MemoryAuthorNames,
    }
