"""The slicing the memory repositories' lists share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from application.shared.paging import Item, Page, PageRequest, Sort, SortValue, fetched_page

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


def keyset_page(
    items: list[Item],
    page_request: PageRequest,
    sort: Sort,
    sort_value: Callable[[Item], SortValue],
    sort_key: Callable[[SortValue, UUID], Any],
) -> Page[Item]:
    """Like `page`, with what the SQL repositories add: a cursor to start after, the total
    counted up to the request's count limit, and the cursor of the next page.

    `items` are sorted by `sort_key(sort_value(item), item.id)` in `sort`'s direction.
    """
    matches = len(items)
    cursor = page_request.cursor
    if cursor is not None:
        after = sort_key(cursor.value, cursor.after_id)
        if sort.descending:
            items = [item for item in items if sort_key(sort_value(item), item.id) < after]
        else:
            items = [item for item in items if sort_key(sort_value(item), item.id) > after]
    start = page_request.offset
    # One item more than the page, as the SQL repositories fetch: it says a next page exists.
    fetched = items[start : start + page_request.limit + 1]
    return fetched_page(fetched, page_request, sort, matches, sort_value)
