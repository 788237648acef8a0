"""The blog context's routes: `/posts`, `/comments`, `/tags`."""

from __future__ import annotations

from litestar import Router

from entrypoints.http.blog.comments_tags import CommentsController, TagsController
from entrypoints.http.blog.posts import PostsController
from entrypoints.settings import Settings


def blog_router(settings: Settings) -> Router:
    """Every blog endpoint, whatever the settings."""
    return Router(path="/", route_handlers=[PostsController, CommentsController, TagsController])
