"""Who is reading, in the blog's terms, and the post lookups every use case shares."""

from __future__ import annotations

from uuid import UUID

from application.blog.ports import BlogUnitOfWork
from application.shared.actor import Actor
from domain.accounts import Role
from domain.blog import Post, PostNotFound, Reader
from domain.errors import PermissionDenied


def reader_of(actor: Actor | None) -> Reader:
    """The blog's view of the caller (None: an anonymous reader)."""
    if actor is None:
        return Reader(user_id=None)
    return Reader(actor.user_id, is_admin=actor.is_admin, is_editor=actor.role is Role.EDITOR)


def require_writer(actor: Actor) -> UUID:
    """The caller's user id: only a signed-in (so verified) user writes; the CLI operator is
    nobody and writes nothing."""
    if actor.user_id is None:
        raise PermissionDenied("Only a signed-in user can do this")
    return actor.user_id


async def visible_post(uow: BlogUnitOfWork, reader: Reader, post_id: UUID) -> Post:
    """The post if the reader may see it, else PostNotFound (drafts are never told apart from
    missing posts)."""
    post = await uow.posts.get(post_id)
    if post is None or not post.is_visible_to(reader):
        raise PostNotFound()
    return post


async def published_post(uow: BlogUnitOfWork, post_id: UUID) -> Post:
    """The post if it is published (comment routes serve only those), else PostNotFound."""
    post = await uow.posts.get(post_id)
    if post is None or not post.published:
        raise PostNotFound()
    return post
