"""Downloads stream: a client that goes away mid-download has the storage read closed at once,
not read to its end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from dependency_injector import providers
from litestar.testing import AsyncTestClient

from adapters.storage.local import LocalObjectStorage
from application.media.ports import ObjectRead
from entrypoints.http.app import create_app
from tests.integration.conftest import API, bearer, make_settings
from tests.integration.media_helpers import (
    http_scope,
    media_container,
    media_settings,
    sign_up,
    upload,
)
from tests.support import media_samples
from tests.support.databases import copy_sqlite_database, sqlite_url
from tests.support.storage import SwitchableStorage


class EndlessReads(SwitchableStorage):
    """Reads that yield a chunk every few milliseconds, forever, and record being closed."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self.chunks_sent = 0
        self.closed = asyncio.Event()

    async def read(self, key: str, start: int = 0, end: int | None = None) -> ObjectRead:
        """A read that never ends by itself."""
        real = await self.inner.read(key, start, end)
        await real.aclose()

        async def chunks() -> AsyncIterator[bytes]:
            try:
                while True:
                    await asyncio.sleep(0.005)
                    self.chunks_sent += 1
                    yield b"x" * 1024
            finally:
                self.closed.set()

        return ObjectRead(real.size, real.start, real.end, chunks())


async def test_a_client_gone_mid_download_closes_the_storage_read(
    tmp_path: Path, migrated_sqlite: Path
) -> None:
    database = copy_sqlite_database(migrated_sqlite, tmp_path / "hexashop.db")
    settings = media_settings(make_settings(tmp_path, sqlite_url(database)), tmp_path)
    container = media_container(settings)
    storage = EndlessReads(LocalObjectStorage(Path(settings.media_dir)))
    container.core.storage.override(providers.Object(storage))
    app = create_app(container)
    async with AsyncTestClient(app=app) as client:
        token = await sign_up(container, client, "ana@example.com")
        created = (await upload(client, token, media_samples.pdf(), "terms.pdf")).json()
        sent: list[dict[str, Any]] = []
        requested = False

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            while len([m for m in sent if m.get("body")]) < 3:  # a few chunks, then hang up
                await asyncio.sleep(0.005)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = http_scope("GET", f"{API}/media/{created['id']}", bearer(token))
        await asyncio.wait_for(app(scope, receive, send), timeout=5)

    assert storage.closed.is_set()
    assert sent[0]["status"] == 200
    assert storage.chunks_sent < 50
