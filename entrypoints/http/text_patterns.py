"""Regex patterns for the OpenAPI schema: text the domain trims, written so JSON Schema agrees."""

from __future__ import annotations

# What `str.strip()` removes (exactly `str.isspace()`), spelled out rather than as `\s`, which
# means other characters in JSON Schema's regex dialect (ECMA 262) than in Python's.
_SPACE = r"\t-\r\x1c- \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# The characters of an HTTP field value (RFC 9110: HTAB, SP, visible ASCII and obs-text, read
# as Latin-1), and those of them `strip()` removes.
_FIELD = r"\t\x20-\x7e\x80-\xff"
_FIELD_SPACE = r"\t \x85\xa0"
_FIELD_EDGE = r"\x21-\x7e\x80-\x84\x86-\x9f\xa1-\xff"


def _trimmed(space: str, edge: str, char: str, max_length: int, blank: bool) -> str:
    core = f"{edge}(?:{char}{{0,{max_length - 2}}}{edge})?" if max_length > 1 else edge
    return f"^{space}*(?:{core}){'?' if blank else ''}{space}*$"


def trimmed_length_pattern(max_length: int, *, blank: bool = False) -> str:
    """A JSON Schema pattern for text of 1..`max_length` characters once trimmed (0.. when
    `blank`), for rules the domain applies after `strip()`."""
    return _trimmed(f"[{_SPACE}]", f"[^{_SPACE}]", r"[\s\S]", max_length, blank)


def trimmed_header_pattern(max_length: int) -> str:
    """The same for an HTTP header's value, of at most `max_length` characters once trimmed
    (a blank one counts as absent)."""
    return _trimmed(f"[{_FIELD_SPACE}]", f"[{_FIELD_EDGE}]", f"[{_FIELD}]", max_length, True)
