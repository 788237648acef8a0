"""The kit for media use cases: the accounts kit plus the memory object storage (recording
its calls), the Pillow image cleaner and scratch folders under a test's own path, with helpers
to upload and to show files on products."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from dependency_injector import providers
from use_case_kit import Kit

from adapters.memory.storage import MemoryObjectStorage
from adapters.pillow_images import PillowImageCleaner
from adapters.scratch import LocalScratchSpace
from application.media.commands import UploadMediaCommand
from application.media.ports import ObjectRead, StorageUnavailable
from application.media.views import MediaView
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.catalog import Product

CHUNK = 64 * 1024


async def chunks_of(content: bytes, size: int = CHUNK) -> AsyncIterator[bytes]:
    """The bytes in chunks, as a request body arrives."""
    for start in range(0, len(content), size):
        yield content[start : start + size]


class RecordingStorage(MemoryObjectStorage):
    """The memory storage, recording the name of every call that writes, reads or deletes;
    its deletes can be made to fail, and it can presign under a made-up base URL."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock)
        self.calls: list[str] = []
        self.fail_deletes = False
        self.presign_base: str | None = None

    async def put(
        self, key: str, chunks: AsyncIterator[bytes], content_type: str, metadata: Mapping[str, str]
    ) -> int:
        """Record, then store."""
        self.calls.append("put")
        return await super().put(key, chunks, content_type, metadata)

    async def put_file(
        self, key: str, path: Path, content_type: str, metadata: Mapping[str, str]
    ) -> int:
        """Record, then store the file (not as a `put`)."""
        self.calls.append("put_file")
        calls, self.calls = self.calls, []
        try:
            return await super().put_file(key, path, content_type, metadata)
        finally:
            self.calls = calls

    async def read(self, key: str, start: int = 0, end: int | None = None) -> ObjectRead:
        """Record, then open the read."""
        self.calls.append("read")
        return await super().read(key, start, end)

    async def delete(self, key: str) -> None:
        """Record, then delete (or fail, when told to)."""
        self.calls.append("delete")
        if self.fail_deletes:
            raise StorageUnavailable("deletes fail in this test")
        await super().delete(key)

    async def presigned_url(
        self, key: str, filename: str, content_type: str, expires_seconds: int
    ) -> str | None:
        """A made-up URL under `presign_base`, or None as memory storage has."""
        if self.presign_base is None:
            return await super().presigned_url(key, filename, content_type, expires_seconds)
        return f"{self.presign_base}/{key}?expires={expires_seconds}"

    async def written_at(self, key: str) -> datetime:
        """When the object was written."""
        return (await self.head(key)).modified

    async def data(self, key: str) -> bytes:
        """The object's bytes."""
        read = await super().read(key)
        try:
            return b"".join([chunk async for chunk in read.chunks])
        finally:
            await read.aclose()


@dataclass
class MediaKit(Kit):
    """The accounts kit with media's own adapters: storage in memory, the real cleaner."""

    scratch_root: Path = field(default_factory=lambda: Path("."))
    max_bytes: int = 1000
    max_pixels: int = 1_000_000
    storage: RecordingStorage = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.storage = RecordingStorage(self.clock)
        self.container.core.storage.override(providers.Object(self.storage))
        media = self.container.media
        media.image_cleaner.override(providers.Object(PillowImageCleaner(self.max_pixels)))
        media.scratch.override(providers.Object(LocalScratchSpace(self.scratch_root)))

    def uploader(self) -> Any:
        """The upload use case, with the kit's (small) size limit."""
        return self.upload_media(max_bytes=self.max_bytes)

    def scratch_left(self) -> list[Path]:
        """Whatever is still in the scratch folder."""
        return list(self.scratch_root.iterdir()) if self.scratch_root.exists() else []

    async def upload(self, actor: Actor, content: bytes, filename: str = "file.pdf") -> MediaView:
        """Upload through the use case."""
        command = UploadMediaCommand(filename, chunks_of(content))
        view: MediaView = await self.uploader()(actor, command)
        return view

    def show_on_product(self, image_ids: Iterable[UUID], active: bool = True) -> Product:
        """A product showing these files, stored directly."""
        product = Product.create("Mug", 900, 1, self.clock.now(), active=active)
        product.image_ids = list(image_ids)
        self.store.products[product.id] = product
        return product

    def cleanup(self) -> None:
        """Remove the scratch root."""
        shutil.rmtree(self.scratch_root, ignore_errors=True)
