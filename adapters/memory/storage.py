"""Object storage in process memory, for tests and the use-case spec driver."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import anyio.to_thread

from adapters.clock import SystemClock
from adapters.storage.common import CHUNK_SIZE, ObjectHead, object_range, validate_key
from application.media.ports import ObjectRead, StorageUnavailable, StoredObjectMissing
from application.shared.ports import Clock


@dataclass(frozen=True)
class _Stored:
    data: bytes
    content_type: str
    metadata: dict[str, str]
    written_at: datetime


class MemoryObjectStorage:
    """Objects in a dict, visible only once their whole stream was read.

    Set `down = True` to make every call raise StorageUnavailable, as an unreachable backend
    would (the 503 paths).
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._objects: dict[str, _Stored] = {}
        self.down = False

    @property
    def name(self) -> str:
        """`memory`."""
        return "memory"

    @property
    def keys(self) -> list[str]:
        """Every stored key, sorted (for tests' assertions)."""
        return sorted(self._objects)

    def _reachable(self) -> None:
        if self.down:
            raise StorageUnavailable("memory storage is down")

    async def put(
        self,
        key: str,
        chunks: AsyncIterator[bytes],
        content_type: str,
        metadata: Mapping[str, str],
    ) -> int:
        """Collect the stream; store it only when it ended without an error."""
        validate_key(key)
        self._reachable()
        data = bytearray()
        async for chunk in chunks:
            data += chunk
        self._reachable()
        self._objects[key] = _Stored(bytes(data), content_type, dict(metadata), self._clock.now())
        return len(data)

    async def put_file(
        self, key: str, path: Path, content_type: str, metadata: Mapping[str, str]
    ) -> int:
        """Store a local file's bytes."""
        data = await anyio.to_thread.run_sync(path.read_bytes)

        async def whole() -> AsyncIterator[bytes]:
            yield data

        return await self.put(key, whole(), content_type, metadata)

    def _get(self, key: str) -> _Stored:
        validate_key(key)
        self._reachable()
        try:
            return self._objects[key]
        except KeyError:
            raise StoredObjectMissing(key) from None

    async def read(self, key: str, start: int = 0, end: int | None = None) -> ObjectRead:
        """The asked range, in chunks of the size the other adapters use."""
        stored = self._get(key)
        first, last = object_range(len(stored.data), start, end)
        view = stored.data[first : last + 1]

        async def chunks() -> AsyncIterator[bytes]:
            for offset in range(0, len(view), CHUNK_SIZE):
                yield view[offset : offset + CHUNK_SIZE]

        return ObjectRead(size=len(stored.data), start=first, end=last, chunks=chunks())

    async def head(self, key: str) -> ObjectHead:
        """The object's size, type, metadata and write time."""
        stored = self._get(key)
        return ObjectHead(len(stored.data), stored.content_type, stored.metadata, stored.written_at)

    async def delete(self, key: str) -> None:
        """Forget the object, if there is one."""
        validate_key(key)
        self._reachable()
        self._objects.pop(key, None)

    async def presigned_url(
        self, key: str, filename: str, content_type: str, expires_seconds: int
    ) -> str | None:
        """None: memory has no URLs of its own."""
        validate_key(key)
        return None

    async def keys_older_than(self, cutoff: datetime) -> list[str]:
        """Keys written before `cutoff`."""
        self._reachable()
        return sorted(k for k, stored in self._objects.items() if stored.written_at < cutoff)

    async def check(self) -> None:
        """Raise StorageUnavailable while `down`."""
        self._reachable()
