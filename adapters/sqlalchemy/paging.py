"""Keyset paging and bounded counts, shared by the SQL list queries.

A list statement built with `after_cursor` starts after the cursor's row, so a deep page is an
index range scan instead of an OFFSET that reads and drops every row before it; a count built
with `bounded_count` stops at the request's count limit, so it costs the same at a million
matches as at a thousand. Both take their values as bind parameters (`page_params`), so the
statements can be built once per query shape and cached.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Uuid,
    bindparam,
    func,
    select,
    tuple_,
)
from sqlalchemy.types import TypeEngine

from application.shared.paging import PageRequest


def after_cursor(
    key: ColumnElement[Any],
    value_key: ColumnElement[Any],
    id_column: ColumnElement[Any],
    descending: bool,
) -> ColumnElement[bool]:
    """Rows after the cursor's: `(key, id)` past `(value_key, :after_id)` in the page's order.

    `value_key` is the sort expression applied to the cursor's bound value (`after_value`),
    so the comparison uses exactly the collation and case folding the page is sorted by.
    """
    return after_row((key,), (value_key,), id_column, descending)


def after_row(
    keys: Sequence[ColumnElement[Any]],
    value_keys: Sequence[ColumnElement[Any]],
    id_column: ColumnElement[Any],
    descending: bool,
) -> ColumnElement[bool]:
    """`after_cursor` for an order by several keys (all in one direction): `(*keys, id)` past
    `(*value_keys, :after_id)`, the value keys made of `after_values`."""
    row = tuple_(*keys, id_column)
    after = tuple_(*value_keys, bindparam("after_id", type_=Uuid()))
    return row < after if descending else row > after


def after_value(value_type: TypeEngine[Any]) -> ColumnElement[Any]:
    """The cursor's sort value as a bind parameter of the sort column's type."""
    return bindparam("after_value", type_=value_type)


def after_values(*value_types: TypeEngine[Any]) -> list[ColumnElement[Any]]:
    """Each part of a cursor's composite value (a tuple) as a bind parameter of its type."""
    return [bindparam(f"after_value_{n}", type_=kind) for n, kind in enumerate(value_types)]


def ordered(key: ColumnElement[Any], id_column: ColumnElement[Any], descending: bool) -> Any:
    """ORDER BY the key, the id breaking ties, both in the sort's direction."""
    return (key.desc(), id_column.desc()) if descending else (key, id_column)


def bounded_count(
    id_column: ColumnElement[Any], conditions: Sequence[ColumnElement[bool]]
) -> Select[Any]:
    """`count(*)` of the matching rows, reading at most `:count_limit` of them."""
    matches = (
        select(id_column)
        .where(*conditions)
        .limit(bindparam("count_limit", type_=Integer))
        .subquery()
    )
    return select(func.count()).select_from(matches)


def page_params(request: PageRequest) -> dict[str, Any]:
    """The paging bind parameters: one row more than the page tells whether a next page
    exists, one more than the count limit whether the total is exact."""
    params: dict[str, Any] = {
        "offset": request.offset,
        "limit": request.limit + 1,
        "count_limit": request.count_limit + 1,
    }
    cursor = request.cursor
    if cursor is not None:
        if isinstance(cursor.value, tuple):
            params.update({f"after_value_{n}": part for n, part in enumerate(cursor.value)})
        else:
            params["after_value"] = cursor.value
        params["after_id"] = cursor.after_id
    return params
