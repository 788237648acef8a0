"""Paging and sorting shared by every list use case."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.errors import FieldError, ValidationFailed

T = TypeVar("T")

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
# docs/api.md: pages 1..100000. The bound keeps the offset ((page - 1) * limit, at most about
# 10**7) inside a 32-bit integer, which SQLite's and Postgres's OFFSET need.
MAX_PAGE = 100_000


@dataclass(frozen=True)
class PageRequest:
    """Which page of how many items."""

    page: int = 1
    limit: int = DEFAULT_LIMIT

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
    """One page of results and the totals a client needs to page on."""

    items: list[T]
    page: int
    limit: int
    total: int

    @property
    def total_pages(self) -> int:
        """Pages needed to show every item (0 when there are none)."""
        return math.ceil(self.total / self.limit) if self.total else 0
