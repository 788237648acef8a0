"""The contract's page envelope, so both drivers report lists alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from application.shared.paging import Page

T = TypeVar("T")


def page_of(shape: Callable[[T], dict[str, Any]]) -> Callable[[Page[T]], dict[str, Any]]:
    """Shape a page of views with the contract's envelope."""

    def shaped(page: Page[T]) -> dict[str, Any]:
        return {
            "data": [shape(item) for item in page.items],
            "meta": {
                "page": page.page,
                "limit": page.limit,
                "total": page.total,
                "totalPages": page.total_pages,
                "totalExact": page.total_exact,
                "nextCursor": page.next_cursor,
            },
        }

    return shaped
