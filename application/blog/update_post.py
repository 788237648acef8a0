"""Use case: the author, an editor or an admin edits a post."""

from __future__ import annotations

from application.blog.access import reader_of, visible_post
from application.blog.commands import UpdatePostCommand
from application.blog.covers import check_cover
from application.blog.ports import BlogUnitOfWork
from application.blog.views import PostView, post_views
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.blog import PostChanged, SlugTaken, check_post_fields, check_slug, normalize_tags


class UpdatePost:
    """Partially update a post. A new slug must be free; the old one keeps answering (301).
    With `unchanged_since` the edit applies only to the post as the caller last saw it."""

    def __init__(self, uow: BlogUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, actor: Actor, cmd: UpdatePostCommand) -> PostView:
        """The updated post, or PostNotFound / PermissionDenied / ValidationFailed /
        SlugTaken / PostChanged."""
        reader = reader_of(actor)
        check_post_fields(cmd.title, cmd.content)
        tags = normalize_tags(cmd.tags) if cmd.tags is not None else None
        slug = check_slug(cmd.slug) if cmd.slug is not None else None
        async with self._uow as uow:
            post = await visible_post(uow, reader, cmd.post_id)
            post.require_editable_by(reader)
            if cmd.unchanged_since is not None:
                [current] = await post_views(uow, [post])
                if not cmd.unchanged_since(current):
                    raise PostChanged()
            if slug is not None and slug != post.slug:
                other = await uow.posts.get_by_slug(slug)
                moved = await uow.posts.get_by_old_slug(slug)
                # A post may take back one of its own old slugs; anyone else's is taken.
                if other is not None or (moved is not None and moved.id != post.id):
                    raise SlugTaken()
            if cmd.cover_image_id is not None and cmd.cover_image_id != post.cover_image_id:
                await check_cover(uow, cmd.cover_image_id)
            edited = post.edited(
                self._clock.now(),
                title=cmd.title,
                content=cmd.content,
                tags=tags,
                published=cmd.published,
                slug=slug,
                cover_image_id=cmd.cover_image_id,
                clear_cover=cmd.clear_cover,
            )
            # The conditional update refuses an edit that raced with another since the read.
            await uow.posts.update(edited, expected_version=post.version)
            [view] = await post_views(uow, [edited])
            await uow.commit()
        return view
