"""Paging and sorting shared by every list use case."""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, Protocol, TypeVar
from uuid import UUID

from domain.errors import FieldError, ValidationFailed

T = TypeVar("T")
U = TypeVar("U")

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
# docs/api.md: pages 1..100000. The bound keeps the offset ((page - 1) * limit, at most about
# 10**7) inside a 32-bit integer, which SQLite's and Postgres's OFFSET need.
MAX_PAGE = 100_000
# Totals are counted exactly up to this many matches and flagged as a lower bound beyond it, so
# a list request costs the same at a million rows as at a thousand (docs/api.md, Pagination).
COUNT_LIMIT = 1_000
# A cursor names one row's sort value and id; anything longer than this is not one of ours.
MAX_CURSOR_LENGTH = 1_024
SortScalar = int | str | datetime
# One value per sort key before the id: a list ordered by several keys (a title, then the
# creation time) names a tuple, so its cursor carries every key its order compares.
SortValue = SortScalar | tuple[SortScalar, ...]
# What a cursor's value must be for one sort field: a scalar type, or a tuple of them.
SortShape = type | tuple[type, ...]
# The most keys a composite value may carry.
MAX_SORT_KEYS = 4


class Identified(Protocol):
    """An entity with an id: what a cursor names besides the sort value."""

    @property
    def id(self) -> UUID:
        """The entity's id, the tie-breaker of every sort."""
        ...


Item = TypeVar("Item", bound=Identified)


def _cursor_refused(reason: str) -> ValidationFailed:
    return ValidationFailed.of("cursor", f"Invalid cursor: {reason}")


def _storable(text: str) -> bool:
    # What a text column can hold: no NUL, no lone surrogate (docs/api.md, Conventions).
    return "\x00" not in text and not any("\ud800" <= char <= "\udfff" for char in text)


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after the row with this sort value and id, in this order.
    A list ordered by several keys before the id names a tuple of their values.

    On the wire it is opaque (base64url of a small JSON array); decoding checks every part, so
    a forged or truncated cursor is a 400 on `cursor`, never a database error. A cursor only
    moves a reader within results the filters already allow, so it needs no signature.
    """

    field: str
    descending: bool
    value: SortValue
    after_id: UUID

    def encode(self) -> str:
        """The opaque text clients send back as `?cursor=`."""
        value: object
        if isinstance(self.value, tuple):
            kind, value = "t", [list(_tagged(part)) for part in self.value]
        else:
            kind, value = _tagged(self.value)
        raw = json.dumps([self.field, int(self.descending), kind, value, str(self.after_id)])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """The cursor `encode` made, or ValidationFailed on `cursor`."""
        if not text or len(text) > MAX_CURSOR_LENGTH:
            raise _cursor_refused("wrong length")
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            parts = json.loads(raw.decode())
        except (binascii.Error, ValueError):
            raise _cursor_refused("not a cursor this API made") from None
        if not (isinstance(parts, list) and len(parts) == 5):
            raise _cursor_refused("not a cursor this API made")
        field, descending, kind, value, after_id = parts
        if not (isinstance(field, str) and descending in (0, 1) and isinstance(after_id, str)):
            raise _cursor_refused("not a cursor this API made")
        try:
            uuid = UUID(after_id)
        except ValueError:
            raise _cursor_refused("not a cursor this API made") from None
        return cls(field, bool(descending), _sort_value(kind, value), uuid)

    def check_sort(self, sort: Sort, shape: SortShape) -> None:
        """Refuse a cursor made for another order (its value means nothing in this one), or
        one whose value has another `shape` than the sort field's values (a forged one: the
        database would fail comparing a number with a timestamp)."""
        if (self.field, self.descending) != (sort.field, sort.descending):
            raise _cursor_refused("it was made for another sort order")
        if not _has_shape(self.value, shape):
            raise _cursor_refused("bad sort value")


def _tagged(value: SortScalar) -> tuple[str, object]:
    if isinstance(value, datetime):
        return "d", value.astimezone(UTC).isoformat()
    return "v", value


def _has_shape(value: SortValue, shape: SortShape) -> bool:
    if isinstance(shape, tuple):
        return (
            isinstance(value, tuple)
            and len(value) == len(shape)
            and all(_has_shape(part, kind) for part, kind in zip(value, shape, strict=True))
        )
    return not isinstance(value, tuple) and isinstance(value, shape)


def _sort_value(kind: object, value: object) -> SortValue:
    if kind == "t" and isinstance(value, list) and 1 < len(value) <= MAX_SORT_KEYS:
        if not all(isinstance(part, list) and len(part) == 2 for part in value):
            raise _cursor_refused("bad sort value")
        return tuple(_sort_scalar(part_kind, part) for part_kind, part in value)
    return _sort_scalar(kind, value)


def _sort_scalar(kind: object, value: object) -> SortScalar:
    if kind == "d" and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise _cursor_refused("bad timestamp") from None
        if moment.tzinfo is None:
            raise _cursor_refused("bad timestamp")
        return moment.astimezone(UTC)
    if kind == "v" and isinstance(value, str) and _storable(value) and len(value) <= 500:
        return value
    # bool is an int in Python, and a 64-bit bound keeps the value a database integer.
    if kind == "v" and type(value) is int and -(2**63) <= value < 2**63:
        return value
    raise _cursor_refused("bad sort value")


@dataclass(frozen=True)
class PageRequest:
    """Which page of how many items: a page number, or a cursor from the previous page."""

    page: int = 1
    limit: int = DEFAULT_LIMIT
    cursor: Cursor | None = None
    count_limit: int = COUNT_LIMIT

    @classmethod
    def of(cls, page: int, limit: int, cursor: str | None = None) -> PageRequest:
        """From query parameters: `cursor` (opaque) replaces `page`, never both."""
        if cursor is None:
            return cls(page=page, limit=limit)
        if page != 1:
            raise ValidationFailed.of("cursor", "Send either page or cursor, not both")
        return cls(page=1, limit=limit, cursor=Cursor.decode(cursor))

    def __post_init__(self) -> None:
        errors = []
        if not 1 <= self.page <= MAX_PAGE:
            errors.append(FieldError("page", f"page must be between 1 and {MAX_PAGE}"))
        if not 1 <= self.limit <= MAX_LIMIT:
            errors.append(FieldError("limit", f"limit must be between 1 and {MAX_LIMIT}"))
        if errors:
            raise ValidationFailed(*errors)

    @property
    def offset(self) -> int:
        """How many items precede this page."""
        return (self.page - 1) * self.limit


@dataclass(frozen=True)
class Sort:
    """One sort key: a field name allowed by the endpoint and a direction."""

    field: str
    descending: bool = False

    @classmethod
    def parse(cls, raw: str | None, allowed: Sequence[str], default: Sort) -> Sort:
        """Parse `field` / `-field`, refusing fields not in `allowed` (and an empty value)."""
        if raw is None:
            return default
        descending = raw.startswith("-")
        name = raw[1:] if descending else raw
        if name not in allowed:
            raise ValidationFailed.of(
                "sort", f"Unknown sort field '{name}'; allowed: {', '.join(allowed)}"
            )
        return cls(name, descending)


def sort_values(fields: Sequence[str]) -> list[str]:
    """Every value `Sort.parse` accepts for these fields: `field` and `-field`."""
    return [value for name in fields for value in (name, f"-{name}")]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and the totals a client needs to page on.

    `total` is exact when `total_exact`; otherwise there are more matches than the count
    limit and `total` is that lower bound. `next_cursor` is None on the last page; `page` is
    None for a page asked for by cursor.
    """

    items: list[T]
    page: int | None
    limit: int
    total: int
    total_exact: bool = True
    next_cursor: str | None = None

    def map(self, convert: Callable[[T], U]) -> Page[U]:
        """The same page with every item converted (entities to views)."""
        return Page(
            [convert(item) for item in self.items],
            self.page,
            self.limit,
            self.total,
            self.total_exact,
            self.next_cursor,
        )

    @property
    def total_pages(self) -> int:
        """Pages needed to show every item (0 when there are none)."""
        return math.ceil(self.total / self.limit) if self.total else 0


async def every_item(
    fetch: Callable[[PageRequest], Awaitable[Page[T]]], limit: int = MAX_LIMIT
) -> list[T]:
    """Every item of a paged listing, fetched page by page (operators' listings, seeding).

    Follows `next_cursor` wherever the list gives one, so it sees every row however many
    there are: past the count limit `total_pages` is a lower bound, and a loop that stops
    there would stop at the 1,000th row. A list that pages by number only (no cursors) goes
    on by page number while its exact total says more pages follow, or while an inexact
    one's pages come back full.
    """
    found: list[T] = []
    request = PageRequest(1, limit)
    while True:
        page = await fetch(request)
        found.extend(page.items)
        if page.next_cursor is not None:
            request = PageRequest(limit=limit, cursor=Cursor.decode(page.next_cursor))
            continue
        if page.page is None:
            return found  # a cursor page without a next cursor is the last one
        more = page.page < page.total_pages if page.total_exact else len(page.items) == limit
        if not more:
            return found
        request = PageRequest(page.page + 1, limit)


def fetched_page(
    items: list[Item],
    request: PageRequest,
    sort: Sort,
    total: int,
    sort_value: Callable[[Item], SortValue],
) -> Page[Item]:
    """The page from `limit + 1` items fetched after the cursor and the bounded count of all
    matches: the next cursor when there was one item more, the total flagged when inexact."""
    window = items[: request.limit]
    next_cursor = None
    if len(items) > request.limit:
        last = window[-1]
        next_cursor = Cursor(sort.field, sort.descending, sort_value(last), last.id).encode()
    return Page(
        items=window,
        page=None if request.cursor is not None else request.page,
        limit=request.limit,
        total=min(total, request.count_limit),
        total_exact=total <= request.count_limit,
        next_cursor=next_cursor,
    )
