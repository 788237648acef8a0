"""The kit for media use cases: the accounts kit plus storage, image cleaner and scratch
folders, with helpers to upload and to show files on products."""

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

from adapters.scratch import LocalScratchSpace
from application.media.commands import UploadMediaCommand
from application.media.ports import (
    CleanedImage,
    ImageRejected,
    ObjectRead,
    StorageUnavailable,
    StoredObjectMissing,
)
from application.media.views import MediaView
from application.shared.actor import Actor
from domain.catalog import Product

CHUNK = 64 * 1024


async def chunks_of(content: bytes, size: int = CHUNK) -> AsyncIterator[bytes]:
    """The bytes in chunks, as a request body arrives."""
    for start in range(0, len(content), size):
        yield content[start : start + size]


@dataclass
class StoredObject:
    """One object of the fake storage."""

    data: bytes
    content_type: str
    metadata: dict[str, str]
    written_at: datetime


class FakeStorage:
    """Objects in a dict, written when the stream ends (nothing when it raises), stamped with
    the kit's clock; switchable off; counts its calls."""

    def __init__(self, kit: Kit) -> None:
        self._clock = kit.clock
        self.objects: dict[str, StoredObject] = {}
        self.down = False
        self.fail_deletes = False
        self.calls: list[str] = []
        self.presign: str | None = None

    @property
    def name(self) -> str:
        """A name for the logs."""
        return "fake"

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if self.down:
            raise StorageUnavailable("fake storage is down")

    async def put(
        self, key: str, chunks: AsyncIterator[bytes], content_type: str, metadata: Mapping[str, str]
    ) -> int:
        """Drain the stream, then keep it."""
        self._call("put")
        data = b"".join([chunk async for chunk in chunks])
        self.objects[key] = StoredObject(data, content_type, dict(metadata), self._clock.now())
        return len(data)

    async def put_file(
        self, key: str, path: Path, content_type: str, metadata: Mapping[str, str]
    ) -> int:
        """Keep the file's bytes."""
        self._call("put_file")
        data = path.read_bytes()
        self.objects[key] = StoredObject(data, content_type, dict(metadata), self._clock.now())
        return len(data)

    async def read(self, key: str, start: int = 0, end: int | None = None) -> ObjectRead:
        """A read of the asked bytes."""
        self._call("read")
        if key not in self.objects:
            raise StoredObjectMissing(key)
        data = self.objects[key].data
        last = len(data) - 1 if end is None else end
        return ObjectRead(len(data), start, last, chunks_of(data[start : last + 1], 4))

    async def delete(self, key: str) -> None:
        """Forget it."""
        self._call("delete")
        if self.fail_deletes:
            raise StorageUnavailable("fake storage refuses deletes")
        self.objects.pop(key, None)

    async def presigned_url(
        self, key: str, filename: str, content_type: str, expires_seconds: int
    ) -> str | None:
        """`presign` with the key, or None like local storage."""
        self._call("presigned_url")
        return f"{self.presign}/{key}?expires={expires_seconds}" if self.presign else None

    async def keys_older_than(self, cutoff: datetime) -> list[str]:
        """Keys written before the cutoff."""
        self._call("keys_older_than")
        return [key for key, obj in self.objects.items() if obj.written_at < cutoff]

    async def check(self) -> None:
        """Fail while down."""
        self._call("check")


class FakeCleaner:
    """Writes a fixed "clean" copy (the source reversed, which no upload equals) and reports
    4 by 3 pixels; refuses sources holding `b"BOMB"`."""

    def __init__(self) -> None:
        self.cleaned: list[tuple[bytes, str]] = []

    async def clean(self, source: Path, content_type: str, target: Path) -> CleanedImage:
        """Reverse the bytes into `target`."""
        data = source.read_bytes()
        self.cleaned.append((data, content_type))
        if b"BOMB" in data:
            raise ImageRejected("too many pixels")
        target.write_bytes(data[::-1])
        return CleanedImage(target, content_type, 4, 3)


@dataclass
class MediaKit(Kit):
    """The accounts kit with media's adapters replaced by the doubles above."""

    scratch_root: Path = field(default_factory=lambda: Path("."))
    max_bytes: int = 1000
    storage: FakeStorage = field(init=False)
    cleaner: FakeCleaner = field(default_factory=FakeCleaner)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.storage = FakeStorage(self)
        self.container.core.storage.override(providers.Object(self.storage))
        media = self.container.media
        media.image_cleaner.override(providers.Object(self.cleaner))
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
