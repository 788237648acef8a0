"""Statement helpers the context repositories share."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult


def rowcount(result: Any) -> int:
    """The rows an UPDATE or DELETE changed (execute() is typed as returning any Result)."""
    return cast(CursorResult[Any], result).rowcount


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with the user's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
