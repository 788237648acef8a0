"""Use case: a signed-in user writes a post."""

from __future__ import annotations

from uuid import uuid4

from application.blog.access import require_writer
from application.blog.commands import WritePostCommand
from application.blog.covers import check_cover
from application.blog.ports import BlogUnitOfWork
from application.blog.views import PostView, post_views
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.blog import (
    MAX_SLUG_ATTEMPTS,
    Post,
    SlugTaken,
    check_post_fields,
    normalize_tags,
    numbered_slug,
    slugify,
)


class WritePost:
    """Write a post, a draft unless published; its slug comes from the title."""

    def __init__(self, uow: BlogUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, actor: Actor, cmd: WritePostCommand) -> PostView:
        """The new post, or PermissionDenied / ValidationFailed / SlugTaken (every numbered
        slug up to MAX_SLUG_ATTEMPTS taken)."""
        author_id = require_writer(actor)
        check_post_fields(cmd.title, cmd.content)
        tags = normalize_tags(cmd.tags)
        base = slugify(cmd.title)
        async with self._uow as uow:
            await check_cover(uow, cmd.cover_image_id)
            now = self._clock.now()
            post_id = uuid4()
            # The unique index decides which slug is free: counting first would race.
            for attempt in range(1, MAX_SLUG_ATTEMPTS + 1):
                post = Post.write(
                    post_id,
                    author_id,
                    numbered_slug(base, attempt),
                    cmd.title,
                    cmd.content,
                    tags,
                    cmd.published,
                    cmd.cover_image_id,
                    now,
                )
                try:
                    await uow.posts.add(post)
                except SlugTaken:
                    continue
                break
            else:
                raise SlugTaken("Too many posts have this title; choose another title")
            [view] = await post_views(uow, [post])
            await uow.commit()
        return view
