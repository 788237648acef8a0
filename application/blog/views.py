"""What blog use cases return."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.blog.ports import BlogUnitOfWork
from domain.blog import Comment, Post


@dataclass(frozen=True)
class AuthorView:
    """Who wrote a post or comment: their id and display name."""

    id: UUID
    name: str | None


@dataclass(frozen=True)
class PostView:
    """A post as readers see it. `version` is not shown: it guards concurrent edits."""

    id: UUID
    slug: str
    title: str
    content: str
    excerpt: str
    published: bool
    published_at: datetime | None
    tags: list[str]
    author: AuthorView
    cover_image_id: UUID | None
    comment_count: int
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True)
class CommentView:
    """A comment as readers see it."""

    id: UUID
    post_id: UUID
    author: AuthorView
    content: str
    created_at: datetime


@dataclass(frozen=True)
class PostLookup:
    """GET by slug: the post, or (for an old slug) the slug it moved to (a 301)."""

    post: PostView | None = None
    moved_to: str | None = None


async def post_views(uow: BlogUnitOfWork, posts: Sequence[Post]) -> list[PostView]:
    """Views of these posts with their authors' names and comment counts: two queries
    whatever the number of posts (never one per post)."""
    if not posts:
        return []
    names = await uow.authors.names(list({p.author_id for p in posts}))
    counts = await uow.comments.counts([p.id for p in posts])
    return [
        PostView(
            id=p.id,
            slug=p.slug,
            title=p.title,
            content=p.content,
            excerpt=p.excerpt,
            published=p.published,
            published_at=p.published_at,
            tags=list(p.tags),
            author=AuthorView(p.author_id, names.get(p.author_id)),
            cover_image_id=p.cover_image_id,
            comment_count=counts.get(p.id, 0),
            created_at=p.created_at,
            updated_at=p.updated_at,
            version=p.version,
        )
        for p in posts
    ]


async def comment_views(uow: BlogUnitOfWork, comments: Sequence[Comment]) -> list[CommentView]:
    """Views of these comments with their authors' names, in one query."""
    if not comments:
        return []
    names = await uow.authors.names(list({c.author_id for c in comments}))
    return [
        CommentView(
            c.id,
            c.post_id,
            AuthorView(c.author_id, names.get(c.author_id)),
            c.content,
            c.created_at,
        )
        for c in comments
    ]
