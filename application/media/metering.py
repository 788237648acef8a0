"""An upload's bytes as they arrive: counted against the limit and hashed on the way."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

from domain.errors import PayloadTooLarge


class MeteredUpload:
    """Reads an upload's chunks once: `head` for sniffing, then `chunks` for the rest.

    Every byte is counted and hashed as it passes; the moment the count passes `max_bytes`,
    PayloadTooLarge is raised, before the offending chunk goes anywhere, so an oversized
    upload is refused without ever being held whole.
    """

    def __init__(self, source: AsyncIterator[bytes], max_bytes: int) -> None:
        self._source = source
        self._max_bytes = max_bytes
        self._hash = hashlib.sha256()
        self._head = b""
        self.size_bytes = 0
        self._started = False

    def _count(self, chunk: bytes) -> bytes:
        self.size_bytes += len(chunk)
        if self.size_bytes > self._max_bytes:
            raise PayloadTooLarge(f"The file is larger than the limit of {self._max_bytes} bytes")
        self._hash.update(chunk)
        return chunk

    async def head(self, wanted: int) -> bytes:
        """The first `wanted` bytes (fewer if the file is shorter; empty for an empty file)."""
        if self._started:
            raise RuntimeError("the head is read once, before the chunks")
        self._started = True
        parts: list[bytes] = []
        have = 0
        while have < wanted:
            chunk = await anext(self._source, None)
            if chunk is None:
                break
            if chunk:
                parts.append(self._count(chunk))
                have += len(chunk)
        self._head = b"".join(parts)
        return self._head[:wanted]

    async def chunks(self) -> AsyncIterator[bytes]:
        """Every byte of the file, the head first, each chunk counted and hashed."""
        if self._head:
            yield self._head
            self._head = b""
        async for chunk in self._source:
            if chunk:
                yield self._count(chunk)

    @property
    def sha256(self) -> str:
        """The SHA-256 of the bytes read so far (all of them, once `chunks` is exhausted)."""
        return self._hash.hexdigest()
