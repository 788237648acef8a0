"""The slicing the memory repositories' lists share."""

from __future__ import annotations

from typing import TypeVar

from application.shared.paging import Page, PageRequest

T = TypeVar("T")


def page(items: list[T], page_request: PageRequest) -> Page[T]:
    """The requested page of already filtered and sorted items, with their total."""
    start = page_request.offset
    return Page(
        items=items[start : start + page_request.limit],
        page=page_request.page,
        limit=page_request.limit,
        total=len(items),
    )
