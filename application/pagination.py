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


@dataclass(frozen=True)
class PageRequest:
    """Which page of how many items."""

    page: int = 1
    limit: int = DEFAULT_LIMIT

    def __post_init__(self) -> None:
        errors = []
        if self.page < 1:
            errors.append(FieldError("page", "page must be at least 1"))
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
        """Parse `field` / `-field`, refusing fields not in `allowed`."""
        if raw is None or raw == "":
            return default
        descending = raw.startswith("-")
        name = raw[1:] if descending else raw
        if name not in allowed:
            raise ValidationFailed.of(
                "sort", f"Unknown sort field '{name}'; allowed: {', '.join(allowed)}"
            )
        return cls(name, descending)


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
