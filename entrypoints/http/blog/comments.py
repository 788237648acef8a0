"""Comments: a published post's, listed and added under `/posts/{id}/comments`, and
deleted by their own id under `/comments`."""

from __future__ import annotations

from litestar import Controller, delete, get, post
from litestar.params import JSONBody

from application.blog.add_comment import AddComment
from application.blog.commands import AddCommentCommand
from application.blog.delete_comment import DeleteComment
from application.blog.list_comments import ListComments
from application.shared.actor import Actor
from application.shared.paging import PageRequest
from entrypoints.http.blog.posts import PostsController
from entrypoints.http.blog.schemas import CommentPage, CommentResponse, CreateCommentRequest
from entrypoints.http.dependencies import Injected
from entrypoints.http.guards import require_strict_json_body
from entrypoints.http.openapi import BEARER, JSON_BODY_ERRORS, SERVER_ERRORS, error_responses
from entrypoints.http.params import (
    DEFAULT_PAGE,
    DEFAULT_PAGE_LIMIT,
    PageCursor,
    PageLimit,
    PageNumber,
    ResourceId,
    parse_uuid,
)

_S404_PUBLISHED = "No such published post (drafts have no public comments)."


class PostCommentsController(Controller):
    """A published post's comments."""

    path = "/posts/{id:str}/comments"
    tags = ["blog"]
    # The posts' request checks and body bound, as when these routes lived on PostsController.
    before_request = staticmethod(require_strict_json_body)
    request_max_body_size = PostsController.request_max_body_size

    @get(
        "/",
        summary="List a post's comments",
        description="Comments of a published post, oldest first.",
        responses=error_responses(
            *SERVER_ERRORS,
            400,
            404,
            s400="Invalid id, page, limit or cursor.",
            s404=_S404_PUBLISHED,
        ),
    )
    async def list_comments(
        self,
        id: ResourceId,
        list_comments: Injected[ListComments],
        page: PageNumber = DEFAULT_PAGE,
        limit: PageLimit = DEFAULT_PAGE_LIMIT,
        cursor: PageCursor = None,
    ) -> CommentPage:
        """One page of comments."""
        post_id = parse_uuid(id)
        found = await list_comments(post_id, PageRequest.of(page, limit, cursor))
        return CommentPage.from_page(found)

    @post(
        "/",
        status_code=201,
        summary="Comment on a post",
        description="Any signed-in user, on published posts only; a few a minute at most.",
        security=BEARER,
        responses=error_responses(
            *SERVER_ERRORS, *JSON_BODY_ERRORS, 401, 403, 404, 429, s404=_S404_PUBLISHED
        ),
    )
    async def add_comment(
        self,
        id: ResourceId,
        data: JSONBody[CreateCommentRequest],
        actor: Injected[Actor],
        add_comment: Injected[AddComment],
    ) -> CommentResponse:
        """The new comment."""
        command = AddCommentCommand(parse_uuid(id), data.content)
        return CommentResponse.from_view(await add_comment(actor, command))


class CommentsController(Controller):
    """Comments by id."""

    path = "/comments"
    tags = ["blog"]

    @delete(
        "/{id:str}",
        status_code=204,
        summary="Delete a comment",
        description="The comment's author, the post's author, editors and admins.",
        security=BEARER,
        responses=error_responses(*SERVER_ERRORS, 400, 401, 403, 404),
    )
    async def delete_comment(
        self, id: ResourceId, actor: Injected[Actor], delete_comment: Injected[DeleteComment]
    ) -> None:
        """Gone."""
        await delete_comment(actor, parse_uuid(id))
