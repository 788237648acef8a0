"""Wire shapes shared by every resource: the error body and pagination metadata."""

from __future__ import annotations

import msgspec


class FieldErrorBody(msgspec.Struct, rename="camel"):
    """One invalid input field, named as on the wire."""

    field: str
    message: str


class ErrorBody(msgspec.Struct, rename="camel", omit_defaults=True):
    """The body of every error response (API.md "Errors")."""

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
