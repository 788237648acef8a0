"""What the media steps ask of a driver: upload, list, look at, download and delete files."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from application.media.commands import ListMediaQuery
from application.media.views import MediaView
from application.shared.actor import Actor
from entrypoints.http.media_support.ranges import etag_for
from tests.bdd.shared.outcome import Outcome
from tests.bdd.shared.system import System
from tests.support.storage import SwitchableStorage, every_key

API_MEDIA = "/api/v1/media"


@dataclass
class MediaFilters:
    """File list parameters, None meaning "not given"."""

    owner_id: str | None = None
    sort: str | None = None
    page: int | None = None
    limit: int | None = None


@dataclass(frozen=True)
class Download:
    """What a download asks for: a range (inclusive) and the ETag of a copy already held."""

    byte_range: tuple[int, int] | None = None
    etag: str | None = None


def media_data(view: MediaView) -> dict[str, Any]:
    """A file as the HTTP API shows it."""
    return {
        "id": str(view.id),
        "ownerId": str(view.owner_id),
        "filename": view.filename,
        "contentType": view.content_type,
        "sizeBytes": view.size_bytes,
        "sha256": view.sha256,
        "width": view.width,
        "height": view.height,
        "url": f"{API_MEDIA}/{view.id}",
        "createdAt": view.created_at.isoformat(),
    }


def download_data(
    status: int, body: bytes, content_type: str | None, sha256: str | None
) -> dict[str, Any]:
    """A download as both drivers report it: 200, 206 or 304, the bytes and the ETag."""
    return {
        "status": status,
        "body": body,
        "contentType": content_type,
        "etag": etag_for(sha256) if sha256 else None,
    }


class MediaDriver(ABC):
    """Media actions against one way into the system, reported as neutral outcomes.

    Storage is wrapped so a scenario can switch it off; each driver picks the real storage
    its way in uses (memory, or the local folder).
    """

    def __init__(self, system: System, storage: Any) -> None:
        self.system = system
        self.storage = SwitchableStorage(storage)

    # --- arrange and observe: a back door through the container, same for both drivers ---

    def stored_keys(self) -> set[str]:
        """Every key in storage."""
        return self.system.run(lambda: every_key(self.storage.inner))

    def file_keys(self) -> set[str]:
        """The storage key of every file's row (as the CLI operator sees them)."""
        list_media = self.system.container.media.list_media()

        async def read() -> set[str]:
            page = await list_media(Actor.system(), ListMediaQuery())
            assert page.total <= page.limit, "too many files for a scenario"
            return {str(view.id) for view in page.items}

        return self.system.run(read)

    @property
    def max_bytes(self) -> int:
        """The upload limit of this scenario's system."""
        return int(self.system.container.settings().media_max_bytes)

    # --- act ------------------------------------------------------------------------------

    @abstractmethod
    def upload(
        self, access: str | None, filename: str, content: bytes, declared_type: str | None
    ) -> Outcome:
        """Upload a file."""

    @abstractmethod
    def list_files(self, access: str | None, filters: MediaFilters) -> Outcome:
        """List files."""

    @abstractmethod
    def file_info(self, access: str | None, media_id: str) -> Outcome:
        """Look at a file's details."""

    @abstractmethod
    def download(self, access: str | None, media_id: str, request: Download) -> Outcome:
        """Download a file, or part of it (`download_data`)."""

    @abstractmethod
    def delete(self, access: str | None, media_id: str) -> Outcome:
        """Delete a file."""
