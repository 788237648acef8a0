"""The media context's routes: `/media`."""

from __future__ import annotations

from litestar import Router

from entrypoints.http.media.downloads import MediaDownloadsController
from entrypoints.http.media.files import MediaFilesController
from entrypoints.settings import Settings

# What a multipart upload carries besides the file's bytes: boundaries, part headers and
# small form fields. Litestar's own body limit is set this far above the file limit, so the
# upload's 413 (the file's own bytes counted) is the one that answers.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def media_router(settings: Settings) -> Router:
    """Every media endpoint; the upload's body limit follows MEDIA_MAX_BYTES."""
    return Router(
        path="/",
        route_handlers=[MediaFilesController, MediaDownloadsController],
        request_max_body_size=settings.media_max_bytes + MULTIPART_OVERHEAD_BYTES,
    )
