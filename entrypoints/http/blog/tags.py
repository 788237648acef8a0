"""Tags: every tag of a published post, with its count."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter

from application.blog.list_tags import ListTags
from entrypoints.http.blog.caching import cacheable
from entrypoints.http.blog.docs import CacheableRead
from entrypoints.http.blog.schemas import TagResponse
from entrypoints.http.dependencies import Injected
from entrypoints.http.openapi import SERVER_ERRORS, error_responses


class TagsController(Controller):
    """Tags."""

    path = "/tags"
    tags = ["blog"]

    @get(
        "/",
        summary="List tags",
        description="Every tag of a published post with its count, most used first.",
        operation_class=CacheableRead,
        responses={
            304: ResponseSpec(
                data_container=None,
                description="`If-None-Match` names the current ETag.",
                generate_examples=False,
            ),
            **error_responses(*SERVER_ERRORS, 400, s400="A malformed request header."),
        },
    )
    async def list_tags(
        self,
        request: Request[Any, Any, Any],
        list_tags: Injected[ListTags],
        cached: Annotated[
            str | None,
            HeaderParameter(name="If-None-Match", description="ETags of copies the client holds."),
        ] = None,
    ) -> Response[list[TagResponse]]:
        """The tags."""
        body = [TagResponse(t.name, t.post_count) for t in await list_tags()]
        signed_in = "authorization" in request.headers
        return cacheable(body, msgspec.json.encode(body), signed_in, cached)
