"""Statement helpers the context repositories share."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from sqlalchemy import ColumnElement, CursorResult, Uuid, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY


def rowcount(result: Any) -> int:
    """The rows an UPDATE or DELETE changed (execute() is typed as returning any Result)."""
    return cast(CursorResult[Any], result).rowcount


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with the user's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def in_ids(column: ColumnElement[UUID], dialect: str) -> ColumnElement[bool]:
    """`column` is one of the `ids` parameter: one array on Postgres (a statement the driver
    runs as it is), an expanded IN list elsewhere."""
    if dialect == "postgresql":
        return column == any_(bindparam("ids", type_=ARRAY(Uuid())))
    return column.in_(bindparam("ids", expanding=True))
