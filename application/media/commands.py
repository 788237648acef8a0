"""Inputs of the media use cases, in business terms."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from uuid import UUID

from application.shared.paging import PageRequest

# Turns the file's size into the inclusive byte range to send (None: the whole file), or
# raises RangeNotSatisfiable.
ByteRange = Callable[[int], tuple[int, int] | None]


def whole_file(size: int) -> None:
    """No Range asked for: the whole file."""
    return None


def nothing_cached(sha256: str) -> bool:
    """The caller holds no copy of the file."""
    return False


@dataclass(frozen=True)
class UploadMediaCommand:
    """A signed-in user uploads a file, streamed: `chunks` yields its bytes as they arrive.

    The name and declared type are the client's: the name is kept (cleaned) for downloads,
    the declared type is never trusted (the bytes are sniffed).
    """

    filename: str
    chunks: AsyncIterator[bytes]
    declared_type: str | None = None


@dataclass(frozen=True)
class OpenMediaCommand:
    """Download a file, or part of it.

    Both callables are only called once the file is known to be visible to the caller, so
    nobody learns the size or hash of a file they may not see.
    """

    media_id: UUID
    # The caller's Range, resolved against the file's size.
    byte_range: ByteRange = field(default=whole_file)
    # True when the caller already holds the bytes with this SHA-256 (If-None-Match).
    cached: Callable[[str], bool] = field(default=nothing_cached)


@dataclass(frozen=True)
class ListMediaQuery:
    """File list filters; `owner_id` is for admins (ignored for anyone else); `sort` is
    `field` or `-field` over createdAt, sizeBytes."""

    owner_id: UUID | None = None
    sort: str | None = None
    page: PageRequest = PageRequest()  # noqa: RUF009 - frozen, so sharing it is safe
