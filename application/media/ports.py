"""Media ports: the files' rows and what uses them, where their bytes live, how images are
cleaned, and the scratch files cleaning needs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol
from uuid import UUID

from application.shared.paging import Page, PageRequest, Sort, SortShape, SortValue
from application.shared.ports import Transaction
from domain.media import MediaFile

MEDIA_SORT_FIELDS = ("createdAt", "sizeBytes")
# The value a file sorts by, per sort field: what a page's next cursor carries.
MEDIA_SORT_VALUES: Mapping[str, Callable[[MediaFile], SortValue]] = {
    "createdAt": lambda media: media.created_at,
    "sizeBytes": lambda media: media.size_bytes,
}
# What a cursor's value is, per sort field (anything else is a forged cursor).
MEDIA_SORT_SHAPES: Mapping[str, SortShape] = {"createdAt": datetime, "sizeBytes": int}


class StorageUnavailable(Exception):
    """The storage backend refused or could not be reached (becomes a 503)."""


class StoredObjectMissing(Exception):
    """No object is stored under the key."""


@dataclass(frozen=True)
class ObjectRead:
    """An open read of a stored object: `chunks` yields the asked range, then must be closed.

    `size` is the whole object's size; `start`/`end` (inclusive) the range being read.
    """

    size: int
    start: int
    end: int
    chunks: AsyncIterator[bytes]

    async def aclose(self) -> None:
        """Release the underlying stream (the client went away, or the read finished)."""
        close = getattr(self.chunks, "aclose", None)
        if close is not None:
            await close()


class ObjectStorage(Protocol):
    """The bytes of uploaded files, under keys the application makes (never client input).

    Every call that does I/O runs off the event loop. Any backend failure is raised as
    StorageUnavailable, so callers never see boto3 or OS errors.
    """

    @property
    def name(self) -> str:
        """`local` or `s3`."""
        ...

    async def put(
        self,
        key: str,
        chunks: AsyncIterator[bytes],
        content_type: str,
        metadata: Mapping[str, str],
    ) -> int:
        """Store the object streamed from `chunks`; return the bytes written.

        Nothing is visible under `key` until the whole stream was written (local: a temporary
        name renamed at the end; S3: a multipart upload completed at the end, parts >= 5 MiB,
        memory bounded by the part size). If `chunks` raises (a limit passed, the client gone)
        or the backend fails, the partial object is removed (multipart upload aborted,
        temporary file deleted) and the exception propagates. Metadata values may be any
        text: the adapter encodes what its backend can't store (S3 metadata is ASCII only).
        """
        ...

    async def put_file(
        self, key: str, path: Path, content_type: str, metadata: Mapping[str, str]
    ) -> int:
        """Store a local file's bytes (a cleaned image spooled to disk) under `key`."""
        ...

    async def read(self, key: str, start: int = 0, end: int | None = None) -> ObjectRead:
        """Open the object for streaming bytes start..end (inclusive; None: to the end).

        Raises StoredObjectMissing when there is no such object; a range starting at or past
        the end is the caller's to refuse (it knows the size from the row).
        """
        ...

    async def delete(self, key: str) -> None:
        """Remove the object; no error when it is already gone."""
        ...

    async def presigned_url(
        self, key: str, filename: str, content_type: str, expires_seconds: int
    ) -> str | None:
        """A short-lived URL that downloads the object directly, with
        `Content-Disposition: attachment; filename*=UTF-8''<filename>`; None when the backend
        has no such thing (local)."""
        ...

    async def keys_older_than(self, cutoff: datetime) -> list[str]:
        """Keys of objects last written before `cutoff` (for the orphan sweep)."""
        ...

    async def check(self) -> None:
        """Raise StorageUnavailable if the backend cannot be reached (readiness)."""
        ...


@dataclass(frozen=True)
class CleanedImage:
    """An image re-encoded without metadata: where its bytes are, and its size in pixels."""

    path: Path
    content_type: str
    width: int
    height: int


class ImageRejected(Exception):
    """The bytes claim to be an image but can't be decoded, or are over the pixel limit."""


class ImageCleaner(Protocol):
    """Strips EXIF/XMP (GPS included) from images after applying their orientation."""

    async def clean(self, source: Path, content_type: str, target: Path) -> CleanedImage:
        """Decode `source` (sniffed as `content_type`), apply the EXIF orientation, and write it
        to `target` without any metadata, in the same format. Runs off the event loop. Raises
        ImageRejected for undecodable data or more pixels than the limit (a decompression
        bomb)."""
        ...


@dataclass(frozen=True)
class FileDigest:
    """A local file's size and SHA-256 (hex)."""

    size_bytes: int
    sha256: str


class ScratchSpace(Protocol):
    """Private temporary files on local disk, for the work that needs a file (images)."""

    def folder(self) -> AbstractAsyncContextManager[Path]:
        """A new, empty folder of the caller's own, removed with everything in it on exit,
        whether the work succeeded, failed or was cancelled."""
        ...

    async def write(self, path: Path, chunks: AsyncIterator[bytes]) -> None:
        """Write the chunks to a new file as they arrive, off the event loop. If `chunks`
        raises, the exception propagates (the folder's exit removes the partial file)."""
        ...

    async def digest(self, path: Path) -> FileDigest:
        """The file's size and SHA-256, read off the event loop."""
        ...


@dataclass(frozen=True)
class MediaQuery:
    """Filters for the file list: one owner's files, or everyone's (None)."""

    owner_id: UUID | None = None
    sort: Sort = Sort("createdAt", descending=True)  # noqa: RUF009 - frozen, immutable default
    page: PageRequest = PageRequest()  # noqa: RUF009 - frozen, immutable default


class MediaRepository(Protocol):
    """The rows of uploaded files; a row exists only once its object was stored."""

    async def get(self, media_id: UUID) -> MediaFile | None:
        """The file's row, if any."""
        ...

    async def get_for_update(self, media_id: UUID) -> MediaFile | None:
        """The row, locked until the transaction ends (on Postgres `FOR UPDATE`; SQLite and
        memory run writers one at a time), so no product can take the file meanwhile."""
        ...

    async def add(self, media: MediaFile) -> None:
        """Insert the row of a newly stored file."""
        ...

    async def delete(self, media_id: UUID) -> None:
        """Remove the row (the object is removed after the commit)."""
        ...

    async def list(self, query: MediaQuery) -> Page[MediaFile]:
        """One page of files; a fixed number of statements whatever the page size."""
        ...

    async def existing_keys(self, keys: Collection[str]) -> set[str]:
        """Which of these storage keys have a row (for the orphan sweep), in one query."""
        ...


class MediaUsage(Protocol):
    """What refers to files from other contexts: products today, published posts later."""

    async def is_public(self, media_id: UUID) -> bool:
        """True when an active product shows the file (a published post will, too)."""
        ...

    async def is_used(self, media_id: UUID) -> bool:
        """True when any product refers to the file, active or not (deleting it would leave
        the product pointing at nothing)."""
        ...


class MediaUnitOfWork(Transaction, Protocol):
    """One transaction over the files' rows and what uses them."""

    media_files: MediaRepository
    media_usage: MediaUsage
