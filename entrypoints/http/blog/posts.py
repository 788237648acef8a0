"""Posts: anyone reads published ones; signed-in people write; authors and staff edit.

Their comments are in comments.py."""

from __future__ import annotations

from typing import Annotated, Any, cast
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter, JSONBody, PathParameter, QueryParameter

from application.blog.commands import ListPostsQuery, UpdatePostCommand, WritePostCommand
from application.blog.delete_post import DeletePost
from application.blog.feed import LatestPosts
from application.blog.get_post import GetPost
from application.blog.list_posts import ListPosts
from application.blog.ports import POST_SORT_FIELDS
from application.blog.update_post import UpdatePost
from application.blog.views import PostView
from application.blog.write_post import WritePost
from application.shared.actor import Actor
from application.shared.paging import PageRequest
from domain.blog import MAX_SLUG, MAX_TAG
from domain.errors import AuthenticationFailed
from entrypoints.http.blog.caching import cacheable, if_match, json_errors, struct_etag
from entrypoints.http.blog.docs import CacheableRead, PostRead, PostWrite
from entrypoints.http.blog.feed import ATOM_TYPE, atom_feed
from entrypoints.http.blog.schemas import (
    CreatePostRequest,
    PatchPostRequest,
    PostPage,
    PostResponse,
)
from entrypoints.http.dependencies import Injected
from entrypoints.http.guards import require_strict_json_body
from entrypoints.http.openapi import (
    BEARER,
    JSON_BODY_ERRORS,
    OPTIONAL_BEARER,
    SERVER_ERRORS,
    error_responses,
)
from entrypoints.http.params import (
    DEFAULT_PAGE,
    DEFAULT_PAGE_LIMIT,
    PageCursor,
    PageLimit,
    PageNumber,
    ResourceId,
    parse_uuid,
    sort_parameter,
)

_S401_OPTIONAL = "An Authorization header was sent but its token is missing, bad or expired."
_S404_POST = "No such post, or a draft the caller may not see."
_S400_ID = "The id is not a UUID."
_S400_HEADER = "A malformed request header."
_CACHED = ResponseSpec(
    data_container=None,
    description="`If-None-Match` names the current ETag: the caller's copy is current.",
    generate_examples=False,
)
CachedHeader = Annotated[
    str | None,
    HeaderParameter(
        name="If-None-Match",
        description="ETags of copies the client holds: a 304 when one is current.",
    ),
]
SlugParam = Annotated[
    str,
    PathParameter(
        description="The post's slug (an old one: a 301); its id for PATCH and DELETE.",
        max_length=MAX_SLUG,
    ),
]


def _post_body(view: PostView) -> PostResponse:
    return PostResponse.from_view(view)


class PostsController(Controller):
    """Posts."""

    path = "/posts"
    tags = ["blog"]
    before_request = staticmethod(require_strict_json_body)
    # The longest content a post may have, every character JSON-escaped as a surrogate pair
    # (12 bytes), with the other fields: a schema-valid body is never refused as too large.
    request_max_body_size = 2 * 1024 * 1024

    @get(
        "/",
        summary="List posts",
        description="Published posts, newest first. `search` is full-text over title and "
        "content (most relevant first without `sort`); `tag` and `author` narrow the list. "
        "`mine=true` lists the caller's own posts, drafts included; `published=false` lists "
        "drafts, for editors and admins. Pages by `cursor` too, except a search (ranked by "
        "relevance: `nextCursor` is null and `cursor` a 400). Sends an ETag; `Cache-Control` "
        "is public for anonymous readers, `private, no-store` for signed-in ones.",
        security=OPTIONAL_BEARER,
        operation_class=CacheableRead,
        responses={
            304: _CACHED,
            **error_responses(
                *SERVER_ERRORS,
                400,
                401,
                403,
                s400="Invalid page, limit, cursor (or a cursor with search), author or sort.",
                s401=_S401_OPTIONAL + " `mine=true` without a token is 401 too.",
                s403="`published=false` asked by someone who is not an editor or admin.",
            ),
        },
    )
    async def list_posts(
        self,
        optional_actor: Injected[Actor | None],
        list_posts: Injected[ListPosts],
        cached: CachedHeader = None,
        page: PageNumber = DEFAULT_PAGE,
        limit: PageLimit = DEFAULT_PAGE_LIMIT,
        cursor: PageCursor = None,
        search: Annotated[str | None, QueryParameter(max_length=200)] = None,
        tag: Annotated[str | None, QueryParameter(max_length=MAX_TAG * 2)] = None,
        author: Annotated[
            str | None,
            QueryParameter(description="An author's user id.", schema_extra={"format": "uuid"}),
        ] = None,
        mine: Annotated[
            bool, QueryParameter(description="`true`: the caller's own posts, drafts included.")
        ] = False,
        published: Annotated[
            bool | None,
            QueryParameter(description="`false`: drafts only (editors and admins)."),
        ] = None,
        sort: Annotated[str | None, sort_parameter(POST_SORT_FIELDS)] = None,
    ) -> Response[PostPage]:
        """One page of posts."""
        if mine and optional_actor is None:
            raise AuthenticationFailed()
        query = ListPostsQuery(
            search=search or None,
            tag=tag or None,
            author_id=parse_uuid(author, "author") if author is not None else None,
            mine=mine,
            published=published,
            sort=sort,
            page=PageRequest.of(page, limit, cursor),
        )
        body = PostPage.from_page(await list_posts(optional_actor, query))
        return cacheable(body, msgspec.json.encode(body), optional_actor is not None, cached)

    @get(
        "/feed.xml",
        summary="Atom feed",
        description="The 20 latest published posts as an Atom feed (`application/atom+xml`).",
        media_type=ATOM_TYPE,
        operation_class=CacheableRead,
        responses={304: _CACHED, **json_errors(*SERVER_ERRORS, 400, s400=_S400_HEADER)},
    )
    async def feed(
        self,
        request: Request[Any, Any, Any],
        latest_posts: Injected[LatestPosts],
        cached: CachedHeader = None,
    ) -> Response[bytes]:
        """The feed document."""
        base = str(request.base_url).rstrip("/") + request.url.path.rsplit("/posts", 1)[0]
        document = atom_feed(await latest_posts(), base)
        signed_in = "authorization" in request.headers
        return cacheable(document, document, signed_in, cached, media_type=ATOM_TYPE)

    @get(
        "/{id:str}",
        summary="Get a post by slug",
        description="`GET /posts/{slug}`: this path's one segment is the post's slug here "
        "(and its id for PATCH and DELETE, the same route). Drafts are 404 except for their "
        "author, editors and admins. A slug the post had before is a 301 to its current one. "
        "Sends the post's ETag.",
        security=OPTIONAL_BEARER,
        operation_class=PostRead,
        responses={
            301: ResponseSpec(
                data_container=None,
                description="An old slug: `Location` is the post's current address.",
                generate_examples=False,
            ),
            304: _CACHED,
            **error_responses(*SERVER_ERRORS, 400, 401, 404, s401=_S401_OPTIONAL, s404=_S404_POST),
        },
    )
    async def get_post(
        self,
        request: Request[Any, Any, Any],
        id: SlugParam,
        optional_actor: Injected[Actor | None],
        get_post: Injected[GetPost],
        cached: CachedHeader = None,
    ) -> Response[PostResponse]:
        """One post, or where it moved."""
        found = await get_post(optional_actor, id)
        if found.post is None:
            assert found.moved_to is not None
            location = request.url.path.rsplit("/", 1)[0] + "/" + found.moved_to
            moved = Response(content=None, status_code=301, headers={"Location": location})
            return cast("Response[PostResponse]", moved)
        body = _post_body(found.post)
        return cacheable(body, msgspec.json.encode(body), optional_actor is not None, cached)

    @post(
        "/",
        status_code=201,
        summary="Write a post",
        description="Any signed-in (so verified) user. The slug comes from the title; a taken "
        "one gets `-2`, `-3`, ... Tags are lower-cased, de-duplicated, at most 10. "
        "`coverImageId` must name an uploaded file.",
        security=BEARER,
        operation_class=PostWrite,
        responses=error_responses(*SERVER_ERRORS, *JSON_BODY_ERRORS, 401, 403, 409),
    )
    async def write_post(
        self,
        data: JSONBody[CreatePostRequest],
        actor: Injected[Actor],
        write_post: Injected[WritePost],
    ) -> Response[PostResponse]:
        """The new post."""
        command = WritePostCommand(
            title=data.title,
            content=data.content,
            tags=tuple(data.tags),
            published=data.published,
            cover_image_id=data.cover_image_id,
        )
        body = _post_body(await write_post(actor, command))
        return Response(content=body, status_code=201, headers={"ETag": struct_etag(body)})

    @patch(
        "/{id:str}",
        summary="Change some of a post's fields",
        description="The author, editors and admins. Absent fields stay as they are. A new "
        "`slug` must be free (409); the old one then answers with a 301. With `If-Match: "
        "<ETag>` the change applies only if the post is unchanged since, else 412.",
        security=BEARER,
        operation_class=PostWrite,
        responses=error_responses(
            *SERVER_ERRORS, *JSON_BODY_ERRORS, 401, 403, 404, 409, 412, s404=_S404_POST
        ),
    )
    async def patch_post(
        self,
        id: ResourceId,
        data: JSONBody[PatchPostRequest],
        actor: Injected[Actor],
        update_post: Injected[UpdatePost],
        expected: Annotated[
            str | None,
            HeaderParameter(
                name="If-Match", description="The ETag of the copy the change is based on."
            ),
        ] = None,
    ) -> Response[PostResponse]:
        """The updated post."""
        cover = data.cover_image_id
        command = UpdatePostCommand(
            post_id=parse_uuid(id),
            title=data.title,
            content=data.content,
            tags=tuple(data.tags) if data.tags is not None else None,
            published=data.published,
            slug=data.slug,
            cover_image_id=cover if isinstance(cover, UUID) else None,
            clear_cover=cover is None,
            unchanged_since=None
            if expected is None
            else (lambda view: if_match(expected, struct_etag(_post_body(view)))),
        )
        body = _post_body(await update_post(actor, command))
        return Response(content=body, headers={"ETag": struct_etag(body)})

    @delete(
        "/{id:str}",
        status_code=204,
        summary="Delete a post",
        description="The author and admins; its comments go with it.",
        security=BEARER,
        responses=error_responses(
            *SERVER_ERRORS, 400, 401, 403, 404, s400=_S400_ID, s404=_S404_POST
        ),
    )
    async def delete_post(
        self, id: ResourceId, actor: Injected[Actor], delete_post: Injected[DeletePost]
    ) -> None:
        """Gone."""
        await delete_post(actor, parse_uuid(id))
