"""Wire shapes shared by every resource: the error body, responses copied from views, and
the one page shape of every list endpoint."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any, Generic, Self, TypeVar, get_args, get_origin

import msgspec

from application.shared.paging import Page

ItemT = TypeVar("ItemT")


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


class ViewResponse(msgspec.Struct):
    """A response body whose fields are copied by name from a use case's view."""

    def __post_init__(self) -> None:
        # Runs for every construction, msgspec.convert's included: instants go out with a `Z`.
        for name in _instants(type(self)):
            moment = getattr(self, name)
            if moment.tzinfo is not UTC:  # rare: the repositories already return UTC
                setattr(self, name, utc(moment))

    @classmethod
    def from_view(cls, view: object) -> Self:
        """The view's attributes of the same names, nested views and tuples converted too."""
        return msgspec.convert(view, cls, from_attributes=True)


@cache
def _instants(response: type[msgspec.Struct]) -> tuple[str, ...]:
    """The fields of a response typed `datetime`, the ones `utc` normalizes."""
    return tuple(f.name for f in msgspec.structs.fields(response) if f.type is datetime)


class PageMeta(msgspec.Struct, rename="camel"):
    """Where a page sits in the whole result.

    `total` is exact when `totalExact`, else a lower bound (the count stops at a limit);
    `nextCursor` continues after this page (null on the last); `page` is null when the page
    was asked for by cursor.
    """

    page: int | None
    limit: int
    total: int
    total_pages: int
    total_exact: bool = True
    next_cursor: str | None = None

    @classmethod
    def from_page(cls, page: Page[Any]) -> PageMeta:
        """The metadata of a use case's page."""
        return cls(
            page=page.page,
            limit=page.limit,
            total=page.total,
            total_pages=page.total_pages,
            total_exact=page.total_exact,
            next_cursor=page.next_cursor,
        )


class PageResponse(msgspec.Struct, Generic[ItemT], rename="camel"):
    """One page of a list endpoint; each resource names its own, e.g.
    `class UserPage(PageResponse[UserResponse])`, which is its OpenAPI component's name."""

    data: list[ItemT]
    meta: PageMeta

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Litestar's OpenAPI generator reads a subclass's inherited fields without resolving
        # the base's type variable (`data` would be documented as a list of any object), and
        # `PageResponse[UserResponse]` used directly is named after its module path. So the
        # subclass states its item type, as if it had declared `data: list[UserResponse]`.
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is PageResponse:
                (item,) = get_args(base)
                cls.__annotations__ = {"data": list[item]}  # type: ignore[valid-type]

    @classmethod
    def from_page(cls, page: Page[Any]) -> Self:
        """Map a use case's page of views to the wire shape."""
        body = {"data": page.items, "meta": PageMeta.from_page(page)}
        return msgspec.convert(body, cls, from_attributes=True)
