"""The blog context's routes: `/posts`, `/comments`, `/tags`."""

from __future__ import annotations

from litestar import Router

from entrypoints.http.blog.comments import CommentsController, PostCommentsController
from entrypoints.http.blog.posts import PostsController
from entrypoints.http.blog.tags import TagsController
from entrypoints.settings import Settings


def blog_router(settings: Settings) -> Router:
    """Every blog endpoint, whatever the settings."""
    return Router(
        path="/",
        route_handlers=[
            PostsController,
            PostCommentsController,
            CommentsController,
            TagsController,
        ],
    )
