"""What the blog steps ask of a driver: people write, read, edit and comment on posts."""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.blog.commands import AddCommentCommand, WritePostCommand
from application.blog.views import CommentView, PostView
from application.shared.actor import Actor
from domain.accounts import Role
from tests.bdd.shared.outcome import Outcome
from tests.bdd.shared.system import System


@dataclass
class PostFilters:
    """Post list parameters, None meaning "not given"."""

    search: str | None = None
    tag: str | None = None
    mine: bool = False
    published: bool | None = None
    sort: str | None = None


def post_data(view: PostView) -> dict[str, Any]:
    """A post as the HTTP API shows it."""
    return {
        "id": str(view.id),
        "slug": view.slug,
        "title": view.title,
        "content": view.content,
        "excerpt": view.excerpt,
        "published": view.published,
        "publishedAt": view.published_at.isoformat() if view.published_at else None,
        "tags": list(view.tags),
        "author": {"id": str(view.author.id), "name": view.author.name},
        "coverImageId": str(view.cover_image_id) if view.cover_image_id else None,
        "commentCount": view.comment_count,
        "createdAt": view.created_at.isoformat(),
        "updatedAt": view.updated_at.isoformat(),
    }


def comment_data(view: CommentView) -> dict[str, Any]:
    """A comment as the HTTP API shows it."""
    return {
        "id": str(view.id),
        "postId": str(view.post_id),
        "author": {"id": str(view.author.id), "name": view.author.name},
        "content": view.content,
        "createdAt": view.created_at.isoformat(),
    }


def fingerprint(data: dict[str, Any]) -> str:
    """The use-case driver's stand-in for an ETag: a digest of the post as shown."""
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class BlogDriver(ABC):
    """Blog actions against one way into the system, reported as neutral outcomes.

    A read of one post reports `{"post": ..., "etag": ...}`, or `{"movedTo": slug}` for an
    old slug.
    """

    def __init__(self, system: System) -> None:
        self.system = system

    # --- arrange: a back door through the use cases, same for both drivers ---------------

    def seed_post(
        self, author_id: str, title: str, content: str, tags: tuple[str, ...], published: bool
    ) -> dict[str, Any]:
        """A post written directly by this user (as if through the API) and its data."""
        self.system.tick()
        actor = Actor(user_id=UUID(author_id), role=Role.CUSTOMER)
        cmd = WritePostCommand(title, content, tags, published)
        container = self.system.container

        async def seed() -> dict[str, Any]:
            return post_data(await container.blog.write_post()(actor, cmd))

        return self.system.run(seed)

    def seed_comment(self, author_id: str, post_id: str, content: str) -> str:
        """A comment written directly by this user; its id."""
        self.system.tick()
        actor = Actor(user_id=UUID(author_id), role=Role.CUSTOMER)
        container = self.system.container

        async def seed() -> str:
            cmd = AddCommentCommand(UUID(post_id), content)
            return str((await container.blog.add_comment()(actor, cmd)).id)

        return self.system.run(seed)

    # --- act ------------------------------------------------------------------------------

    @abstractmethod
    def write_post(self, access: str | None, fields: dict[str, Any]) -> Outcome:
        """Write a post (camelCase fields: title, content, tags, published)."""

    @abstractmethod
    def read_post(self, access: str | None, slug: str) -> Outcome:
        """Read a post by slug."""

    @abstractmethod
    def edit_post(
        self, access: str | None, post_id: str, changes: dict[str, Any], etag: str | None
    ) -> Outcome:
        """Change some fields of a post, only if unchanged since `etag` when given."""

    @abstractmethod
    def delete_post(self, access: str | None, post_id: str) -> Outcome:
        """Delete a post."""

    @abstractmethod
    def list_posts(self, access: str | None, filters: PostFilters) -> Outcome:
        """List posts (a page: items, total...)."""

    @abstractmethod
    def comment(self, access: str | None, post_id: str, content: str) -> Outcome:
        """Comment on a post."""

    @abstractmethod
    def list_comments(self, access: str | None, post_id: str) -> Outcome:
        """A post's comments (a page)."""

    @abstractmethod
    def delete_comment(self, access: str | None, comment_id: str) -> Outcome:
        """Delete a comment."""

    @abstractmethod
    def list_tags(self, access: str | None) -> Outcome:
        """The tags with their counts (a list of {name, postCount})."""

    @abstractmethod
    def feed_titles(self, access: str | None) -> Outcome:
        """The titles in the feed, newest first."""
