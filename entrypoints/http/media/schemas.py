"""Response bodies of the media endpoints (camelCase on the wire); uploads are multipart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from application.media.views import MediaView
from application.shared.paging import Page
from entrypoints.http.schemas import PageMeta, PageResponse, ViewResponse

# Where a file's bytes are fetched, from its id (the download route's path).
UrlOf = Callable[[UUID], str]


class MediaResponse(ViewResponse, rename="camel"):
    """A file: `width`/`height` for images (else null), `sha256` of the stored bytes (hex),
    `url` the path of its download."""

    id: UUID
    owner_id: UUID
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    width: int | None
    height: int | None
    url: str
    created_at: datetime

    @classmethod
    def of(cls, view: MediaView, url_of: UrlOf) -> MediaResponse:
        """The view with its download path."""
        fields: dict[str, Any] = {
            f.name: getattr(view, f.name) for f in msgspec.structs.fields(cls) if f.name != "url"
        }
        return cls(**fields, url=url_of(view.id))


class MediaPage(PageResponse[MediaResponse]):
    """One page of files."""

    @classmethod
    def of(cls, page: Page[MediaView], url_of: UrlOf) -> MediaPage:
        """A use case's page of views, each with its download path."""
        return cls(
            data=[MediaResponse.of(view, url_of) for view in page.items],
            meta=PageMeta.from_page(page),
        )
