"""Download headers: `Range` (RFC 9110 section 14), `ETag` and `If-None-Match`, and
`Content-Disposition` with a non-ASCII filename (RFC 6266, RFC 8187)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from domain.errors import RangeNotSatisfiable
from domain.media_types import clean_filename

# A header longer than this is no single range anyone sends; it is ignored unread.
MAX_RANGE_HEADER = 200
_RANGE = re.compile(r"bytes=([0-9]*)-([0-9]*)", re.ASCII | re.IGNORECASE)
# One entity-tag of a list: optional weakness, then an opaque quoted string (which may hold
# commas, so the list can't be split on them).
_ENTITY_TAG = re.compile(r'[ \t]*(?:W/)?("[\x21\x23-\x7e\x80-\uffff]*")[ \t]*(?:,|$)')
# RFC 8187 attr-char: what may stay unencoded in `filename*`.
_ATTR_CHAR_PUNCTUATION = "!#$&+-.^_`|~"


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive byte range a `Range` header asks of a file of `size` bytes, or None for
    the whole file.

    One range is served (`bytes=a-b`, `bytes=a-`, `bytes=-n`); a header that is not one
    syntactically valid byte range (another unit, garbage, `b` before `a`, several ranges) is
    ignored, as RFC 9110 allows, and the whole file is sent with 200. Several ranges are
    ignored rather than answered with multipart/byteranges: clients that ask for several accept
    the whole file, and it avoids the many-small-ranges abuse RFC 9110 section 14.1.1 warns
    of. A range that starts at or past the end, or `-0`, raises RangeNotSatisfiable(size) (416).
    """
    if header is None or len(header) > MAX_RANGE_HEADER:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.group(1), match.group(2)
    if not first and not last:
        return None
    if not first:
        suffix = _number(last)
        if suffix == 0:
            raise RangeNotSatisfiable(size)
        if size == 0:
            # The last n bytes of nothing: nothing to send a part of, so the whole (empty) file.
            return None
        return max(0, size - suffix), size - 1
    start = _number(first)
    if not last:
        end = size - 1
    else:
        end = _number(last)
        if end < start:
            return None
    if start >= size:
        raise RangeNotSatisfiable(size)
    return start, min(end, size - 1)


def _number(digits: str) -> int:
    """ASCII digits as an int; absurdly long ones only need to be larger than any file."""
    digits = digits.lstrip("0") or "0"
    # int() refuses over 4300 digits, and nothing is larger than 10**30 bytes anyway.
    return int(digits) if len(digits) <= 30 else 10**30


def etag_for(sha256: str) -> str:
    """The strong ETag of stored bytes: their hex SHA-256, quoted."""
    return f'"{sha256}"'


def if_none_match(header: str | None, etag: str) -> bool:
    """Whether `If-None-Match` matches `etag` (then 304): `*`, or any tag of the list by weak
    comparison (RFC 9110 section 13.1.2: `W/"x"` matches `"x"`). A malformed header matches
    nothing, so the file is sent."""
    if header is None:
        return False
    value = header.strip()
    if value == "*":
        return True
    wanted = etag.removeprefix("W/")
    position = 0
    while position < len(value):
        match = _ENTITY_TAG.match(value, position)
        if match is None or match.end() == position:
            return False
        if match.group(1) == wanted:
            return True
        position = match.end()
    return False


def content_disposition(filename: str) -> str:
    """`attachment` with the filename twice: an ASCII fallback for old clients and the exact
    name percent-encoded as UTF-8 (`filename*=UTF-8''...`), which every current browser uses."""
    name = clean_filename(filename)
    encoded = quote(name, safe=_ATTR_CHAR_PUNCTUATION, encoding="utf-8")
    return f"attachment; filename=\"{_ascii_fallback(name)}\"; filename*=UTF-8''{encoded}"


def _ascii_fallback(name: str) -> str:
    """The name in printable ASCII: accents dropped (é -> e), other letters as `_`, and no `"`
    or `\\` that would end or escape the quoted string, nor `%`, which some clients decode."""
    decomposed = unicodedata.normalize("NFKD", name)
    kept = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        if " " <= ch <= "~" and ch not in '"\\%':
            kept.append(ch)
        else:
            kept.append("_")
    return "".join(kept)
