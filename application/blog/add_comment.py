"""Use case: a signed-in user comments on a published post."""

from __future__ import annotations

from uuid import uuid4

from application.blog.access import published_post, require_writer
from application.blog.commands import AddCommentCommand
from application.blog.ports import BlogUnitOfWork, CommentLimiter
from application.blog.views import CommentView, comment_views
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.blog import COMMENT_LIMIT, COMMENT_WINDOW_SECONDS, Comment, check_comment
from domain.errors import RateLimited


class AddComment:
    """Add a comment to a published post; at most COMMENT_LIMIT per user per window."""

    def __init__(self, uow: BlogUnitOfWork, clock: Clock, limiter: CommentLimiter) -> None:
        self._uow = uow
        self._clock = clock
        self._limiter = limiter

    async def __call__(self, actor: Actor, cmd: AddCommentCommand) -> CommentView:
        """The new comment, or PermissionDenied / ValidationFailed / PostNotFound (a draft
        or no post) / RateLimited."""
        author_id = require_writer(actor)
        content = check_comment(cmd.content)
        # Counted before the transaction: the limiter may be Redis, never called inside one.
        retry_after = await self._limiter.hit(
            f"comments:{author_id}", COMMENT_LIMIT, COMMENT_WINDOW_SECONDS
        )
        if retry_after is not None:
            raise RateLimited(retry_after, "Too many comments, try again later")
        async with self._uow as uow:
            post = await published_post(uow, cmd.post_id)
            comment = Comment.write(uuid4(), post.id, author_id, content, self._clock.now())
            await uow.comments.add(comment)
            [view] = await comment_views(uow, [comment])
            await uow.commit()
        return view
