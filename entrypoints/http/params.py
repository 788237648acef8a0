"""Path and query parameters shared by the resource controllers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated
from uuid import UUID

from litestar.params import PathParameter, QueryParameter

from application.shared.paging import (
    DEFAULT_LIMIT,
    MAX_CURSOR_LENGTH,
    MAX_LIMIT,
    MAX_PAGE,
    sort_values,
)
from domain.errors import ValidationFailed

# Ids are taken as strings and parsed by `parse_uuid`, so a malformed one is a 400 field
# error naming the parameter rather than an unmatched route (404).
ResourceId = Annotated[str, PathParameter(description="The id.", schema_extra={"format": "uuid"})]

# The bounds are documented, not enforced by Litestar: the use case checks them, so that every
# bad paging parameter is named in one 400 rather than only the first one.
PageNumber = Annotated[
    int,
    QueryParameter(
        description=f"Page number, 1..{MAX_PAGE}.",
        schema_extra={"minimum": 1, "maximum": MAX_PAGE},
    ),
]
PageLimit = Annotated[
    int,
    QueryParameter(
        description=f"Items per page, 1..{MAX_LIMIT}.",
        schema_extra={"minimum": 1, "maximum": MAX_LIMIT},
    ),
]
PageCursor = Annotated[
    str | None,
    QueryParameter(
        description="`meta.nextCursor` of the previous page: the page after it (keyset "
        "paging, as fast deep in the list as at its start). Not with `page`; a cursor made "
        "for another `sort` is a 400.",
        max_length=MAX_CURSOR_LENGTH,
        # Documents the alphabet; the use case checks the rest (Cursor.decode), so that a
        # refusal is the contract's 400 on `cursor` whichever part is wrong.
        schema_extra={"pattern": "^[A-Za-z0-9_-]+$"},
    ),
]
DEFAULT_PAGE = 1
DEFAULT_PAGE_LIMIT = DEFAULT_LIMIT


def parse_uuid(raw: str, field: str = "id") -> UUID:
    """A UUID from a path or query value; a malformed one is a field error (400)."""
    try:
        return UUID(raw)
    except ValueError:
        raise ValidationFailed.of(field, "Must be a UUID") from None


def sort_parameter(fields: Sequence[str]) -> QueryParameter:
    """A list endpoint's `sort`: `field` ascending or `-field` descending, listed as an enum
    (the use case refuses anything else, the empty value included, by name)."""
    return QueryParameter(
        description="`field` ascending or `-field` descending; fields: " + ", ".join(fields),
        schema_extra={"enum": sort_values(fields)},
    )
