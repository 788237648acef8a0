"""Walking a whole listing: by next cursor past the count limit, by page number where a list
has no cursors."""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID, uuid4

from adapters.memory.paging import keyset_page, page
from application.shared.paging import (
    COUNT_LIMIT,
    MAX_LIMIT,
    Page,
    PageRequest,
    Sort,
    SortValue,
    every_item,
)


@dataclass(frozen=True)
class Row:
    """A listed item: an id and the number it sorts by."""

    id: UUID
    n: int


ROWS = [Row(uuid4(), n // 2) for n in range(2 * COUNT_LIMIT + 37)]  # ties on n
SORT = Sort("n")


def _key(value: SortValue, row_id: UUID) -> tuple[SortValue, str]:
    return (value, str(row_id))


SORTED = sorted(ROWS, key=lambda r: _key(r.n, r.id))


async def test_a_cursor_list_is_walked_past_the_count_limit() -> None:
    requests: list[PageRequest] = []

    async def fetch(request: PageRequest) -> Page[Row]:
        requests.append(request)
        found = keyset_page(SORTED, request, SORT, lambda r: r.n, _key)
        assert found.total == COUNT_LIMIT and not found.total_exact
        return found

    walked = await every_item(fetch)

    assert walked == SORTED
    assert requests[0] == PageRequest(1, MAX_LIMIT)
    assert all(r.cursor is not None and r.limit == MAX_LIMIT for r in requests[1:])
    assert len(requests) == -(-len(ROWS) // MAX_LIMIT)


async def test_a_list_without_cursors_is_walked_by_page_number() -> None:
    rows = SORTED[:250]
    asked: list[int] = []

    async def fetch(request: PageRequest) -> Page[Row]:
        asked.append(request.page)
        return page(rows, request)

    assert await every_item(fetch) == rows
    assert asked == [1, 2, 3]


async def test_a_list_without_cursors_and_with_a_bounded_total_stops_at_a_short_page() -> None:
    rows = SORTED[:1_234]

    async def fetch(request: PageRequest) -> Page[Row]:
        found = page(rows, request)
        return replace(found, total=min(found.total, COUNT_LIMIT), total_exact=False)

    assert await every_item(fetch) == rows


async def test_an_empty_list_is_one_request() -> None:
    asked: list[PageRequest] = []

    async def fetch(request: PageRequest) -> Page[Row]:
        asked.append(request)
        return keyset_page([], request, SORT, lambda r: r.n, _key)

    assert await every_item(fetch) == []
    assert len(asked) == 1
