"""Object storage in a local folder: one file per key, written atomically."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import BinaryIO, TypeVar

import anyio
import anyio.to_thread

from adapters.storage.common import (
    CHUNK_SIZE,
    ObjectHead,
    ThreadedChunks,
    file_chunks,
    object_range,
    validate_key,
)
from application.media.ports import ObjectRead, StorageUnavailable, StoredObjectMissing

T = TypeVar("T")

# Chunks from the request are small; writing them in batches of this size keeps the number
# of thread hops per upload low without holding much in memory.
_WRITE_BATCH = 1024 * 1024


def _temporary_name(target: Path, suffix: str) -> Path:
    # Hidden, in the target's own folder (so the rename is atomic), never a key's name.
    return target.with_name(f".{target.name}.{secrets.token_hex(8)}{suffix}")


def _metadata_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.meta.json")


def _fsync_folder(folder: Path) -> None:
    # The rename is durable only once the folder's entry is on disk too.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_file(path: Path, data: bytes) -> None:
    temporary = _temporary_name(path, ".tmp")
    try:
        with temporary.open("xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class _Upload:
    """One object being written: a hidden temporary file beside where it will be."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.temporary = _temporary_name(target, ".tmp")
        self._handle: BinaryIO | None = None

    def open(self) -> None:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self._handle = self.temporary.open("xb")

    def write(self, data: bytes) -> None:
        assert self._handle is not None
        self._handle.write(data)

    def finish(self, metadata: bytes) -> None:
        """Make the bytes durable, then visible: fsync, metadata, rename, fsync the folder."""
        assert self._handle is not None
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        _write_file(_metadata_path(self.target), metadata)
        os.replace(self.temporary, self.target)
        _fsync_folder(self.target.parent)

    def discard(self) -> None:
        if self._handle is not None:
            self._handle.close()
        self.temporary.unlink(missing_ok=True)
        # Failed between writing the metadata and the rename: no object, so no metadata.
        if not self.target.exists():
            _metadata_path(self.target).unlink(missing_ok=True)


class LocalObjectStorage:
    """Files under `root` (`var/media` by default), named by their keys, with a hidden JSON
    file beside each for its type and metadata. Every file operation runs in a worker thread.
    """

    def __init__(self, root: Path) -> None:
        self._root = Path(root)

    @property
    def name(self) -> str:
        """`local`."""
        return "local"

    def _path(self, key: str) -> Path:
        return self._root / validate_key(key)

    async def _io(self, function: Callable[..., T], *args: object) -> T:
        """Run a file operation in a thread; an OS error means the storage is unusable."""
        try:
            return await anyio.to_thread.run_sync(partial(function, *args))
        except OSError as exc:
            raise StorageUnavailable(f"local storage failed: {type(exc).__name__}") from exc

    async def put(
        self,
        key: str,
        chunks: AsyncIterator[bytes],
        content_type: str,
        metadata: Mapping[str, str],
    ) -> int:
        """Write to a temporary file, fsync, rename; on any failure remove the temporary file."""
        upload = _Upload(self._path(key))
        described = json.dumps({"contentType": content_type, "metadata": dict(metadata)})
        await self._io(upload.open)
        try:
            written = 0
            batch: list[bytes] = []
            batched = 0
            # Errors from `chunks` itself (a limit passed, the client gone) propagate as they
            # are; only the file operations are storage failures.
            async for chunk in chunks:
                batch.append(chunk)
                batched += len(chunk)
                if batched >= _WRITE_BATCH:
                    await self._io(upload.write, b"".join(batch))
                    written += batched
                    batch, batched = [], 0
            if batch:
                await self._io(upload.write, b"".join(batch))
                written += batched
            await self._io(upload.finish, described.encode())
        except BaseException:
            with anyio.CancelScope(shield=True), contextlib.suppress(OSError):
                await anyio.to_thread.run_sync(upload.discard)
            raise
        return written

    async def put_file(
        self, key: str, path: Path, content_type: str, metadata: Mapping[str, str]
    ) -> int:
        """Copy a local file in, the same way as a stream."""
        async with contextlib.aclosing(file_chunks(path)) as chunks:
            return await self.put(key, chunks, content_type, metadata)

    async def read(self, key: str, start: int = 0, end: int | None = None) -> ObjectRead:
        """Open the file in a thread and stream the range in CHUNK_SIZE chunks, each in a thread."""
        path = self._path(key)

        def open_range() -> tuple[BinaryIO, int, int, int]:
            try:
                handle = path.open("rb")
            except (FileNotFoundError, IsADirectoryError):
                raise StoredObjectMissing(key) from None
            try:
                size = os.fstat(handle.fileno()).st_size
                first, last = object_range(size, start, end)
                handle.seek(first)
            except BaseException:
                handle.close()
                raise
            return handle, size, first, last

        handle, size, first, last = await self._io(open_range)
        remaining = last - first + 1

        def read_chunk() -> bytes:
            nonlocal remaining
            chunk = handle.read(min(CHUNK_SIZE, remaining)) if remaining > 0 else b""
            remaining -= len(chunk)
            return chunk

        chunks = ThreadedChunks(read_chunk, handle.close, failures=(OSError,))
        return ObjectRead(size=size, start=first, end=last, chunks=chunks)

    async def head(self, key: str) -> ObjectHead:
        """The object's size and write time from the file, its type and metadata from beside it."""
        path = self._path(key)

        def head_blocking() -> ObjectHead:
            try:
                stat = path.stat()
            except FileNotFoundError:
                raise StoredObjectMissing(key) from None
            try:
                described = json.loads(_metadata_path(path).read_text())
            except FileNotFoundError:
                described = {}
            return ObjectHead(
                size=stat.st_size,
                content_type=described.get("contentType", "application/octet-stream"),
                metadata=described.get("metadata", {}),
                modified=datetime.fromtimestamp(stat.st_mtime, UTC),
            )

        return await self._io(head_blocking)

    async def delete(self, key: str) -> None:
        """Remove the file and its metadata; nothing to do when they are gone."""
        path = self._path(key)

        def delete_blocking() -> None:
            path.unlink(missing_ok=True)
            _metadata_path(path).unlink(missing_ok=True)

        await self._io(delete_blocking)

    async def presigned_url(
        self, key: str, filename: str, content_type: str, expires_seconds: int
    ) -> str | None:
        """None: files are served through the API."""
        validate_key(key)
        return None

    async def keys_older_than(self, cutoff: datetime) -> list[str]:
        """Keys of files last written before `cutoff` (hidden files are never objects)."""
        limit = cutoff.timestamp()

        def fail(error: OSError) -> None:
            # os.walk skips what it can't read; a root that isn't there has no objects, but
            # any other error means the listing would be incomplete.
            if not (
                isinstance(error, FileNotFoundError) and Path(str(error.filename)) == self._root
            ):
                raise error

        def scan() -> list[str]:
            keys = []
            for folder, subfolders, files in os.walk(self._root, onerror=fail):
                subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                for name in files:
                    path = Path(folder) / name
                    try:
                        written = path.stat().st_mtime
                    except FileNotFoundError:
                        continue  # deleted while listing
                    if not name.startswith(".") and written < limit:
                        keys.append(path.relative_to(self._root).as_posix())
            return sorted(keys)

        return await self._io(scan)

    async def check(self) -> None:
        """Raise StorageUnavailable unless the root exists (or can be made) and takes a file."""

        def probe() -> None:
            self._root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self._root, prefix=".check-"):
                pass

        await self._io(probe)
