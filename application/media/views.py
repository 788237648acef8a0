"""What media use cases return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.media.ports import ObjectRead
from application.shared.projection import project
from domain.media import MediaFile


@dataclass(frozen=True)
class MediaView:
    """A file as callers see it (its bytes are fetched by id)."""

    id: UUID
    owner_id: UUID
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    width: int | None
    height: int | None
    created_at: datetime

    @classmethod
    def from_media(cls, media: MediaFile) -> MediaView:
        """Project a file's row to its view."""
        return project(media, cls)


@dataclass(frozen=True)
class MediaDownload:
    """A file being downloaded: its view and an open read of the asked bytes, which the
    caller must close (`read.aclose()`). `read` is None when the caller's copy is current
    (a 304); `partial` when a range was asked for (a 206)."""

    media: MediaView
    read: ObjectRead | None
    partial: bool = False
