"""Test-only storage wrappers: an outage that can be switched on, and every key stored."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from application.media.ports import ObjectRead, ObjectStorage, StorageUnavailable

# Later than any object's write time, so `keys_older_than` lists every key.
FAR_FUTURE = datetime.now(UTC) + timedelta(days=365 * 100)


class SwitchableStorage:
    """Passes every call to the real storage, or fails them all as an outage while `down`."""

    def __init__(self, inner: ObjectStorage) -> None:
        self.inner = inner
        self.down = False

    def _check(self) -> None:
        if self.down:
            raise StorageUnavailable("the test switched storage off")

    @property
    def name(self) -> str:
        """The real storage's name."""
        return self.inner.name

    async def put(
        self,
        key: str,
        chunks: AsyncIterator[bytes],
        content_type: str,
        metadata: Mapping[str, str],
    ) -> int:
        """Store, unless down."""
        self._check()
        return await self.inner.put(key, chunks, content_type, metadata)

    async def put_file(
        self, key: str, path: Path, content_type: str, metadata: Mapping[str, str]
    ) -> int:
        """Store a file, unless down."""
        self._check()
        return await self.inner.put_file(key, path, content_type, metadata)

    async def read(self, key: str, start: int = 0, end: int | None = None) -> ObjectRead:
        """Open a read, unless down."""
        self._check()
        return await self.inner.read(key, start, end)

    async def delete(self, key: str) -> None:
        """Delete, unless down."""
        self._check()
        await self.inner.delete(key)

    async def presigned_url(
        self, key: str, filename: str, content_type: str, expires_seconds: int
    ) -> str | None:
        """Presign, unless down."""
        self._check()
        return await self.inner.presigned_url(key, filename, content_type, expires_seconds)

    async def keys_older_than(self, cutoff: datetime) -> list[str]:
        """List, unless down."""
        self._check()
        return await self.inner.keys_older_than(cutoff)

    async def check(self) -> None:
        """Fail while down."""
        self._check()
        await self.inner.check()


async def every_key(storage: ObjectStorage) -> set[str]:
    """Every key the storage holds, however recent."""
    return set(await storage.keys_older_than(FAR_FUTURE))
