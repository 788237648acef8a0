"""S3 user metadata is ASCII only and at most 2 KB: text values are percent-encoded into it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote, unquote

# S3 counts the UTF-8 bytes of every user-metadata key and value against this limit.
METADATA_LIMIT_BYTES = 2048

# S3 lowercases metadata names (they travel as `x-amz-meta-<name>` headers).
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def encode_metadata(metadata: Mapping[str, str]) -> dict[str, str]:
    """Each value percent-encoded (UTF-8), cut at a character so the whole fits S3's limit.

    The row in the database keeps the full filename; the metadata copy is for operators
    looking at the bucket, so a 255-character non-ASCII name losing its tail beats an upload
    refused with MetadataTooLarge.
    """
    for name in metadata:
        if not _NAME.fullmatch(name):
            raise ValueError(f"not an S3 metadata name: {name!r}")
    encoded: dict[str, str] = {}
    # The names always fit (a few short ones); the values share what is left, in order.
    budget = METADATA_LIMIT_BYTES - sum(len(name) for name in metadata)
    for name, value in metadata.items():
        pieces: list[str] = []
        for character in value:
            piece = quote(character, safe="")
            if len(piece) > budget:
                break
            pieces.append(piece)
            budget -= len(piece)
        encoded[name] = "".join(pieces)
    return encoded


def decode_metadata(metadata: Mapping[str, str]) -> dict[str, str]:
    """The text `encode_metadata` stored."""
    return {name: unquote(value, errors="strict") for name, value in metadata.items()}


def attachment_disposition(filename: str) -> str:
    """`attachment; filename*=UTF-8''<percent-encoded name>` (RFC 6266 / RFC 8187)."""
    return "attachment; filename*=UTF-8''" + quote(filename, safe="")
