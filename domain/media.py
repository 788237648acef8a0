"""Media: uploaded files (their bytes live in object storage) and the rules they follow."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.errors import Conflict, NotFound, ValidationFailed

MAX_FILENAME = 255
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")

# The multipart field an upload arrives in: refusals of the file name it.
FILE_FIELD = "file"
EMPTY_FILE = "The file is empty"
UNSUPPORTED_TYPE = "Unsupported file type; allowed are PNG, JPEG, GIF, WebP, PDF, MP3, MP4 and WebM"
UNREADABLE_IMAGE = "The image can't be decoded or has more pixels than allowed"


class MediaNotFound(NotFound):
    """No such file, or one the caller may not see (never told apart, so ids can't be probed)."""

    message = "Media not found"


class MediaInUse(Conflict):
    """The file can't be deleted while a product (or, later, a published post) shows it."""

    message = "The file is used by a product; remove it from the product first"


def refuse_file(message: str) -> ValidationFailed:
    """A 400 naming the upload's `file` field."""
    return ValidationFailed.of(FILE_FIELD, message)


def storage_key(media_id: UUID) -> str:
    """The object key of a file's bytes: its id, never anything the client sent."""
    return str(media_id)


@dataclass
class MediaFile:
    """An uploaded file: who owns it, what it is (as sniffed, never as declared), its bytes'
    size and SHA-256, and for images their size in pixels."""

    id: UUID
    owner_id: UUID
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    width: int | None
    height: int | None
    created_at: datetime

    @classmethod
    def create(
        cls,
        media_id: UUID,
        owner_id: UUID,
        filename: str,
        content_type: str,
        size_bytes: int,
        sha256: str,
        now: datetime,
        width: int | None = None,
        height: int | None = None,
    ) -> MediaFile:
        """A new file's row, once its bytes are stored under `storage_key(media_id)`."""
        if size_bytes < 1:
            raise refuse_file(EMPTY_FILE)
        if not 1 <= len(filename) <= MAX_FILENAME:
            raise ValueError("the filename must be cleaned before it is stored")
        if not _SHA256_HEX.match(sha256):
            raise ValueError("sha256 must be 64 lower-case hex digits")
        return cls(
            media_id, owner_id, filename, content_type, size_bytes, sha256, width, height, now
        )

    @property
    def storage_key(self) -> str:
        """Where the file's bytes are stored."""
        return storage_key(self.id)

    def is_managed_by(self, user_id: UUID | None, is_admin: bool) -> bool:
        """True for its owner and for admins: they may see, list and delete it."""
        return is_admin or (user_id is not None and user_id == self.owner_id)

    def is_visible_to(self, user_id: UUID | None, is_admin: bool, public: bool) -> bool:
        """A file shown by an active product (or a published post) is public; any other is
        its owner's and the admins' only."""
        return public or self.is_managed_by(user_id, is_admin)
