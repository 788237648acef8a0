"""Request and response bodies of the blog endpoints (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from domain.blog import (
    MAX_COMMENT,
    MAX_CONTENT,
    MAX_SLUG,
    MAX_TAG,
    MAX_TAGS,
    MAX_TITLE,
    SLUG_PATTERN,
)
from entrypoints.http.schemas import PageResponse, ViewResponse
from entrypoints.http.text_patterns import trimmed_length_pattern

# The wire stops what is absurd; the schema states the domain's rule, which names the field.
Title = Annotated[
    str,
    msgspec.Meta(
        max_length=MAX_TITLE * 2,
        description=f"1 to {MAX_TITLE} characters once trimmed.",
        examples=["Hello, world"],
        extra_json_schema={"extra": {"pattern": trimmed_length_pattern(MAX_TITLE)}},
    ),
]
Content = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=MAX_CONTENT,
        description="Markdown or plain text, stored and returned as given.",
    ),
]
# Enforced on the wire (not only documented): a list's items get no field error of their own.
Tag = Annotated[
    str,
    msgspec.Meta(
        max_length=MAX_TAG * 2,
        pattern=trimmed_length_pattern(MAX_TAG),
        description=f"1 to {MAX_TAG} characters once trimmed; stored lower-cased.",
    ),
]
# Litestar documents no constraint of a list's items, so the array states them itself.
_TAG_SCHEMA = {
    "type": "string",
    "maxLength": MAX_TAG * 2,
    "pattern": trimmed_length_pattern(MAX_TAG),
}
Tags = Annotated[
    list[Tag],
    msgspec.Meta(
        max_length=MAX_TAGS,
        description=f"At most {MAX_TAGS}; lower-cased and de-duplicated when stored.",
        extra_json_schema={"extra": {"items": _TAG_SCHEMA}},
    ),
]
Slug = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=MAX_SLUG, pattern=SLUG_PATTERN, examples=["hello-world"]),
]
CommentText = Annotated[
    str,
    msgspec.Meta(
        max_length=MAX_COMMENT,
        description=f"1 to {MAX_COMMENT} characters, not only whitespace.",
        extra_json_schema={"extra": {"pattern": trimmed_length_pattern(MAX_COMMENT)}},
    ),
]


# --- requests ---------------------------------------------------------------------------------


class CreatePostRequest(msgspec.Struct, rename="camel"):
    """A new post; a draft unless `published`."""

    title: Title
    content: Content
    tags: Tags = msgspec.field(default_factory=list)
    published: bool = False
    cover_image_id: UUID | None = None


class PatchPostRequest(msgspec.Struct, rename="camel"):
    """Any subset of a post's fields; absent fields stay as they are. `coverImageId: null`
    removes the cover."""

    title: Title | None = None
    content: Content | None = None
    tags: Tags | None = None
    published: bool | None = None
    slug: Slug | None = None
    cover_image_id: UUID | msgspec.UnsetType | None = msgspec.UNSET


class CreateCommentRequest(msgspec.Struct, rename="camel"):
    """A comment."""

    content: CommentText


# --- responses --------------------------------------------------------------------------------


class AuthorResponse(ViewResponse, rename="camel"):
    """Who wrote it."""

    id: UUID
    name: str | None


class PostResponse(ViewResponse, rename="camel"):
    """A post."""

    id: UUID
    slug: str
    title: str
    content: str
    excerpt: str
    published: bool
    published_at: datetime | None
    tags: list[str]
    author: AuthorResponse
    cover_image_id: UUID | None
    comment_count: int
    created_at: datetime
    updated_at: datetime


class PostPage(PageResponse[PostResponse]):
    """One page of posts."""


class CommentResponse(ViewResponse, rename="camel"):
    """A comment."""

    id: UUID
    post_id: UUID
    author: AuthorResponse
    content: str
    created_at: datetime


class CommentPage(PageResponse[CommentResponse]):
    """One page of comments."""


class TagResponse(msgspec.Struct, rename="camel"):
    """A tag and how many published posts carry it."""

    name: str
    post_count: int
