"""The media actions as requests to the HTTP API, with files in the local storage folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from dependency_injector import providers

from adapters.storage.local import LocalObjectStorage
from tests.bdd.media.driver import Download, MediaDriver, MediaFilters, download_data
from tests.bdd.shared.outcome import Outcome

if TYPE_CHECKING:
    # Only for the annotations: the default run never loads the app.
    from tests.bdd.shared.http import HttpSystem

API = "/api/v1"


class HttpMedia(MediaDriver):
    """Sends the media actions to /media."""

    system: HttpSystem

    def __init__(self, system: HttpSystem) -> None:
        root = Path(system.container.settings().media_dir)
        super().__init__(system, LocalObjectStorage(root))
        system.container.core.storage.override(providers.Object(self.storage))
        self.send = system.send

    def _headers(self, access: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {access}"} if access is not None else {}

    def upload(
        self, access: str | None, filename: str, content: bytes, declared_type: str | None
    ) -> Outcome:
        """Upload a file as a multipart form."""
        self.system.tick()
        part = (filename, content, declared_type or "application/octet-stream")
        response = self.system.client.post(
            f"{API}/media", files={"file": part}, headers=self._headers(access)
        )
        return self.system._outcome(response)

    def list_files(self, access: str | None, filters: MediaFilters) -> Outcome:
        """List files."""
        wire = {
            "ownerId": filters.owner_id,
            "sort": filters.sort,
            "page": filters.page,
            "limit": filters.limit,
        }
        params = {k: str(v) for k, v in wire.items() if v is not None}
        return self.send("GET", "/media", access=access, params=params)

    def file_info(self, access: str | None, media_id: str) -> Outcome:
        """Look at a file's details."""
        return self.send("GET", f"/media/{media_id}/info", access=access)

    def download(self, access: str | None, media_id: str, request: Download) -> Outcome:
        """GET the file's bytes, with Range and If-None-Match when asked."""
        self.system.tick()
        headers = self._headers(access)
        if request.byte_range is not None:
            headers["Range"] = f"bytes={request.byte_range[0]}-{request.byte_range[1]}"
        if request.etag is not None:
            headers["If-None-Match"] = request.etag
        response = self.system.client.get(f"{API}/media/{media_id}", headers=headers)
        if response.status_code >= 400:
            return self.system._outcome(response)
        data: dict[str, Any] = download_data(
            response.status_code, response.content, response.headers.get("content-type"), None
        )
        data["etag"] = response.headers.get("etag")
        return Outcome(data=data)

    def delete(self, access: str | None, media_id: str) -> Outcome:
        """Delete a file."""
        return self.send("DELETE", f"/media/{media_id}", access=access)
