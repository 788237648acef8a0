"""The one file of a multipart/form-data upload, streamed from the request body as it arrives.

Built on defnull's `multipart` (the parser Litestar itself uses), whose sans-io
`PushMultipartParser` never holds more than a header line or a boundary's length of the body.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from urllib.parse import unquote

from multipart import MultipartError, MultipartSegment, PushMultipartParser, parse_options_header

from domain.errors import PayloadTooLarge, ValidationFailed
from domain.media_types import clean_filename

# A file field's Content-Disposition carries the filename (twice with `filename*`), so its
# line may be long for a long non-ASCII name; longer than this is no upload form.
MAX_HEADER_BYTES = 16 * 1024
MAX_HEADERS_PER_PART = 8
MAX_PARTS = 32
# What a form may send besides the file (a preamble, a few text fields, an epilogue).
MAX_OTHER_BYTES = 64 * 1024
# RFC 2046: 1 to 70 characters; tokens or quoted strings, so no controls.
_BOUNDARY = re.compile(r"[\x20-\x7e]{1,70}", re.ASCII)
_DECLARED_TYPE = re.compile(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+", re.ASCII)
_FILENAME_STAR = re.compile(r";\s*filename\*\s*=\s*([^;]*)", re.IGNORECASE)
_RFC8187_VALUE = re.compile(r"(utf-8|iso-8859-1)'[^']*'(.*)", re.IGNORECASE)


@dataclass(frozen=True)
class FilePart:
    """The file field's name and declared type, and its bytes as they arrive.

    `filename` is already cleaned (`clean_filename`); `declared_type` is the part's own
    Content-Type, lower-cased and without parameters, informative only. `chunks` must be read to
    its end (or closed): it raises ValidationFailed if the body turns out malformed or truncated
    after the file's last byte, and PayloadTooLarge as soon as the file passes the limit.
    """

    filename: str
    declared_type: str | None
    chunks: AsyncIterator[bytes]


async def read_file_field(
    body: AsyncIterator[bytes],
    content_type: str,
    field: str = "file",
    *,
    max_file_bytes: int | None = None,
    max_other_bytes: int = MAX_OTHER_BYTES,
) -> FilePart:
    """Read `body` up to the headers of the form field `field` and return it, its bytes still to
    be streamed. Other fields before and after it are skipped (at most `max_other_bytes` in all).

    Raises ValidationFailed naming `field` for a body that is not multipart/form-data (no
    boundary, malformed, truncated), has no such field, or has it twice.
    """
    reader = _Reader(body, _boundary(content_type, field), field, max_other_bytes)
    try:
        segment = await reader.find_field()
    except BaseException:
        await reader.close()
        raise
    return FilePart(
        filename=clean_filename(_filename(segment)),
        declared_type=_declared_type(segment.content_type),
        chunks=reader.field_chunks(max_file_bytes),
    )


def _boundary(content_type: str, field: str) -> str:
    media_type, options = parse_options_header(content_type or "")
    boundary = options.get("boundary", "")
    if media_type != "multipart/form-data" or not _BOUNDARY.fullmatch(boundary):
        raise ValidationFailed.of(
            field, "The upload must be multipart/form-data with a boundary, the file in a field"
        )
    return str(boundary)


def _filename(segment: MultipartSegment) -> str:
    """The part's filename, from RFC 8187's `filename*` when a client sent one (old urllib3
    does, for non-ASCII names), else the plain `filename` (browsers send raw UTF-8 there)."""
    disposition = segment.header("Content-Disposition", "")
    star = _FILENAME_STAR.search(disposition)
    if star:
        value = _RFC8187_VALUE.fullmatch(star.group(1).strip().strip('"'))
        if value:
            return unquote(value.group(2), encoding=value.group(1), errors="replace")
    return segment.filename or ""


def _declared_type(value: str | None) -> str | None:
    if value and _DECLARED_TYPE.fullmatch(value):
        return value
    return None


class _Reader:
    """One pass over the body: the parser's events, with the skipped bytes counted."""

    def __init__(
        self, body: AsyncIterator[bytes], boundary: str, field: str, max_other_bytes: int
    ) -> None:
        self._body = body
        self._field = field
        self._max_other_bytes = max_other_bytes
        self._other_bytes = 0
        self._seen_part = False
        self._field_done = False
        self._parser = PushMultipartParser(
            boundary,
            max_header_size=MAX_HEADER_BYTES,
            max_header_count=MAX_HEADERS_PER_PART,
            max_segment_count=MAX_PARTS,
        )
        self._events = self._parse()

    def _malformed(self, why: str) -> ValidationFailed:
        return ValidationFailed.of(
            self._field, f"The upload is not valid multipart/form-data ({why})"
        )

    async def close(self) -> None:
        """Stop reading the body."""
        await self._events.aclose()

    def _count_other(self, size: int) -> None:
        self._other_bytes += size
        if self._other_bytes > self._max_other_bytes:
            raise self._malformed(f"more than {self._max_other_bytes} bytes besides the file")

    async def _parse(self) -> AsyncGenerator[MultipartSegment | bytes | None, None]:
        try:
            async for chunk in self._body:
                if not chunk:
                    # An empty chunk would tell the parser the body ended.
                    continue
                if self._field_done:
                    # Whatever follows the file (other fields, the epilogue) is counted whole.
                    self._count_other(len(chunk))
                for event in self._parser.parse(chunk):
                    if isinstance(event, MultipartSegment):
                        self._seen_part = True
                    yield event
                if not self._seen_part:
                    self._count_other(len(chunk))
            self._parser.close()
        except MultipartError:
            # The parser's own words name its internals; the client needs only this much.
            raise self._malformed("malformed, cut short or with overlong headers") from None

    async def find_field(self) -> MultipartSegment:
        """Skip the parts before the field; return its headers."""
        async for event in self._events:
            if isinstance(event, MultipartSegment) and event.name == self._field:
                return event
            if isinstance(event, bytes):
                self._count_other(len(event))
        raise ValidationFailed.of(self._field, f"The upload has no `{self._field}` field")

    async def field_chunks(self, max_bytes: int | None) -> AsyncGenerator[bytes, None]:
        """The field's bytes as they arrive; then the rest of the body, checked and skipped."""
        received = 0
        try:
            async for event in self._events:
                if event is None:
                    break
                if isinstance(event, bytes):
                    received += len(event)
                    if max_bytes is not None and received > max_bytes:
                        raise PayloadTooLarge()
                    yield event
            self._field_done = True
            async for event in self._events:
                if isinstance(event, MultipartSegment) and event.name == self._field:
                    raise self._malformed(f"more than one `{self._field}` field")
        finally:
            await self.close()
