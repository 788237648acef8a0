"""Wire shapes shared by every resource: the error body and pagination metadata."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from application.shared.paging import Page


def utc(moment: datetime) -> datetime:
    """The instant in UTC, so it is encoded with a `Z` (naive values are taken as UTC)."""
    if moment.tzinfo is UTC:  # what the repositories return: nothing to convert
        return moment
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class FieldErrorBody(msgspec.Struct, rename="camel"):
    """One invalid input field, named as on the wire."""

    field: str
    message: str


class ErrorBody(msgspec.Struct, rename="camel", omit_defaults=True):
    """The body of every error response (docs/api.md "Errors")."""

    error: str
    message: str
    status_code: int
    request_id: str
    errors: list[FieldErrorBody] | msgspec.UnsetType = msgspec.UNSET


class PageMeta(msgspec.Struct, rename="camel"):
    """Where a page sits in the whole result."""

    page: int
    limit: int
    total: int
    total_pages: int

    @classmethod
    def from_page(cls, page: Page[Any]) -> PageMeta:
        """The metadata of a use case's page."""
        return cls(page=page.page, limit=page.limit, total=page.total, total_pages=page.total_pages)
