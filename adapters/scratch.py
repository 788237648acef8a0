"""Scratch files on local disk: a private folder per piece of work, removed when it ends."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from application.media.ports import FileDigest

_READ_BLOCK = 1024 * 1024


def _digest(path: Path) -> FileDigest:
    sha = hashlib.sha256()
    size = 0
    with path.open("rb") as file:
        while block := file.read(_READ_BLOCK):
            sha.update(block)
            size += len(block)
    return FileDigest(size, sha.hexdigest())


class LocalScratchSpace:
    """Folders under `root` (made on first use, mode 0700 as mkdtemp makes them); every file
    operation runs in a worker thread, never on the event loop."""

    def __init__(self, root: Path) -> None:
        self._root = Path(root)

    def _make_folder(self) -> Path:
        self._root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="work-", dir=self._root))

    @asynccontextmanager
    async def folder(self) -> AsyncIterator[Path]:
        """A new private folder, removed with its contents however the block ends."""
        path = await asyncio.to_thread(self._make_folder)
        try:
            yield path
        finally:
            try:
                await asyncio.to_thread(shutil.rmtree, path, ignore_errors=True)
            except asyncio.CancelledError:
                # Cancelled again while removing (the client went away): remove it here, so
                # nothing stays behind; a few files, so the pause is short.
                shutil.rmtree(path, ignore_errors=True)
                raise

    async def write(self, path: Path, chunks: AsyncIterator[bytes]) -> None:
        """Write the chunks to a new file as they arrive, each write in a thread."""
        file = await asyncio.to_thread(path.open, "xb")
        try:
            async for chunk in chunks:
                await asyncio.to_thread(file.write, chunk)
        finally:
            # Closing (no fsync) is quick, and must happen even when cancelled.
            file.close()

    async def digest(self, path: Path) -> FileDigest:
        """The file's size and SHA-256, read in a thread."""
        return await asyncio.to_thread(_digest, path)
