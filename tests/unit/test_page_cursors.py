"""Page cursors: what encode makes, decode reads back; anything else is a 400 on `cursor`."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

import pytest

from application.shared.paging import MAX_CURSOR_LENGTH, Cursor, PageRequest, Sort
from domain.errors import ValidationFailed


def _forge(parts: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


def _refused_field(text: str) -> list[str]:
    with pytest.raises(ValidationFailed) as refused:
        Cursor.decode(text)
    return [error.field for error in refused.value.errors]


@pytest.mark.parametrize(
    "value",
    ["Blue Mug", "", "ünïcødé ☕", 0, -(2**63), 2**63 - 1, datetime(2026, 1, 2, 3, 4, 5, 6, UTC)],
)
def test_a_cursor_survives_the_round_trip(value: object) -> None:
    cursor = Cursor("name", True, value, uuid4())  # type: ignore[arg-type]

    text = cursor.encode()

    assert Cursor.decode(text) == cursor
    assert text.isascii() and "=" not in text and "/" not in text and "+" not in text


def test_a_cursor_of_several_sort_keys_survives_the_round_trip() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, 6, UTC)
    cursor = Cursor("publishedAt", True, (1, moment, "Mug"), uuid4())

    decoded = Cursor.decode(cursor.encode())

    assert decoded == cursor and isinstance(decoded.value, tuple)


def test_a_timestamp_in_another_zone_comes_back_as_the_same_instant_in_utc() -> None:
    moment = datetime(2026, 1, 2, 3, 0, tzinfo=timezone(timedelta(hours=2)))

    decoded = Cursor.decode(Cursor("createdAt", False, moment, uuid4()).encode())

    assert decoded.value == moment and decoded.value.tzinfo == UTC  # type: ignore[union-attr]


ID = str(uuid4())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x" * (MAX_CURSOR_LENGTH + 1),
        "not base64!",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        _forge({"field": "name"}),
        _forge(["name", 0, "v", "Mug"]),
        _forge(["name", 2, "v", "Mug", ID]),
        _forge(["name", True, "v", "Mug", "not-a-uuid"]),
        _forge([7, 0, "v", "Mug", ID]),
        _forge(["name", 0, "v", "nul\x00byte", ID]),
        _forge(["name", 0, "v", "\ud800", ID]),
        _forge(["name", 0, "v", "x" * 501, ID]),
        _forge(["priceCents", 0, "v", 2**63, ID]),
        _forge(["priceCents", 0, "v", True, ID]),
        _forge(["priceCents", 0, "v", 1.5, ID]),
        _forge(["priceCents", 0, "v", None, ID]),
        _forge(["createdAt", 0, "d", "yesterday", ID]),
        _forge(["createdAt", 0, "d", "2026-01-02T03:04:05", ID]),
        _forge(["createdAt", 0, "x", "2026-01-02T03:04:05+00:00", ID]),
        _forge(["title", 0, "t", [["v", "Mug"]], ID]),
        _forge(["title", 0, "t", [["v", n] for n in range(5)], ID]),
        _forge(["title", 0, "t", [["v", "Mug"], ["t", [["v", 1], ["v", 2]]]], ID]),
        _forge(["title", 0, "t", [["v", "Mug"], ["d", "yesterday"]], ID]),
        _forge(["title", 0, "t", [["v", "Mug"], "2026-01-02T03:04:05+00:00"], ID]),
        _forge(["title", 0, "t", "Mug", ID]),
    ],
    ids=lambda text: text[:24] or "empty",
)
def test_anything_but_a_cursor_this_api_made_is_refused_on_cursor(text: str) -> None:
    assert _refused_field(text) == ["cursor"]


def test_a_cursor_made_for_another_sort_is_refused() -> None:
    cursor = Cursor("name", False, "Mug", uuid4())

    cursor.check_sort(Sort("name"), str)
    for other in (Sort("name", True), Sort("priceCents")):
        with pytest.raises(ValidationFailed) as refused:
            cursor.check_sort(other, str)
        assert refused.value.errors[0].field == "cursor"


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        ("Mug", int),
        (3, datetime),
        (("Mug", 3), str),
        ("Mug", (str, datetime)),
        (("Mug", 3), (str, datetime)),
        (("Mug", datetime(2026, 1, 2, tzinfo=UTC), 3), (str, datetime)),
    ],
)
def test_a_cursor_whose_value_has_another_shape_than_the_sort_field_is_refused(
    value: object, shape: type | tuple[type, ...]
) -> None:
    cursor = Cursor("title", False, value, uuid4())  # type: ignore[arg-type]

    with pytest.raises(ValidationFailed) as refused:
        cursor.check_sort(Sort("title"), shape)
    assert refused.value.errors[0].field == "cursor"


def test_a_cursor_of_the_sort_fields_shape_is_taken() -> None:
    moment = datetime(2026, 1, 2, tzinfo=UTC)

    Cursor("title", False, ("Mug", moment), uuid4()).check_sort(Sort("title"), (str, datetime))
    Cursor("sizeBytes", False, 3, uuid4()).check_sort(Sort("sizeBytes"), int)


def test_a_cursor_replaces_the_page_number_and_never_joins_it() -> None:
    text = Cursor("name", False, "Mug", uuid4()).encode()

    assert PageRequest.of(1, 20, text).cursor == Cursor.decode(text)
    assert PageRequest.of(3, 20).cursor is None
    with pytest.raises(ValidationFailed) as refused:
        PageRequest.of(2, 20, text)
    assert refused.value.errors[0].field == "cursor"
