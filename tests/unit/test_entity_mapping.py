"""EntityMapping: rows derived from an entity's fields, refused when entity and table drift."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table

from adapters.sqlalchemy.mapping import Codec, Embedded, EntityMapping, enum_codec


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Label:
    text: str
    size: int


@dataclass
class Widget:
    id: int
    colour: Colour
    label: Label
    parts: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def _table(*extra: str, without: str | None = None) -> Table:
    columns = ["id", "colour", "label_text", "size", "tags", *extra]
    return Table(
        "widgets",
        MetaData(),
        *(
            Column(name, Integer() if name == "id" else String())
            for name in columns
            if name != without
        ),
    )


def _mapping(table: Table, table_only: tuple[str, ...] = ()) -> EntityMapping[Widget]:
    return EntityMapping(
        Widget,
        table,
        codecs={
            "colour": enum_codec(Colour),
            "tags": Codec(encode=",".join, decode=lambda text: text.split(",")),
        },
        embedded={"label": Embedded(Label, text="label_text")},
        elsewhere=("parts",),
        table_only=table_only,
    )


WIDGET = Widget(7, Colour.BLUE, Label("hi", 3), parts=["a"], tags=["x", "y"])
ROW = {"id": 7, "colour": "blue", "label_text": "hi", "size": 3, "tags": "x,y"}


def test_values_encode_flatten_and_leave_out_what_is_stored_elsewhere() -> None:
    assert _mapping(_table()).values(WIDGET) == ROW


def test_entity_decodes_embeds_and_takes_what_is_stored_elsewhere() -> None:
    assert _mapping(_table()).entity(ROW, parts=["a"]) == WIDGET


def test_table_only_columns_are_written_when_given_and_ignored_when_read() -> None:
    mapping = _mapping(_table("lease"), table_only=("lease",))
    assert mapping.values(WIDGET, lease="L") == {**ROW, "lease": "L"}
    assert mapping.entity({**ROW, "lease": "L"}, parts=["a"]) == WIDGET
    with pytest.raises(TypeError, match="not table-only columns: \\['size'\\]"):
        mapping.values(WIDGET, size=4)


def test_update_values_are_only_the_columns_asked_for() -> None:
    mapping = _mapping(_table("lease"), table_only=("lease",))
    assert mapping.update_values(WIDGET, ("colour", "tags"), lease=None) == {
        "colour": "blue",
        "tags": "x,y",
        "lease": None,
    }


def test_a_plain_dataclass_maps_without_options() -> None:
    @dataclass
    class Plain:
        id: int
        name: str

    table = Table("plain", MetaData(), Column("id", Integer()), Column("name", String()))
    mapping = EntityMapping(Plain, table)
    assert mapping.values(Plain(1, "a")) == {"id": 1, "name": "a"}
    assert mapping.entity({"name": "a", "id": 1}) == Plain(1, "a")


def test_an_attribute_that_is_no_field_is_not_written() -> None:
    @dataclass
    class Cached:
        id: int
        name: str

    table = Table("cached", MetaData(), Column("id", Integer()), Column("name", String()))
    thing = Cached(1, "a")
    thing.extra = "kept out"  # type: ignore[attr-defined]
    assert EntityMapping(Cached, table).values(thing) == {"id": 1, "name": "a"}


def test_a_field_without_a_column_is_refused_at_construction() -> None:
    with pytest.raises(TypeError, match="Widget in widgets: no column for \\['size'\\]"):
        _mapping(_table(without="size"))


def test_a_column_without_a_field_is_refused_at_construction() -> None:
    with pytest.raises(TypeError, match="no field for column\\(s\\) \\['weight'\\]"):
        _mapping(_table("weight"))


def test_options_naming_no_field_or_column_are_refused() -> None:
    with pytest.raises(TypeError, match="Widget has no field\\(s\\) \\['colour_'\\]"):
        EntityMapping(Widget, _table(), codecs={"colour_": enum_codec(Colour)})
    with pytest.raises(TypeError, match="table_only names no column: \\['lease'\\]"):
        _mapping(_table(), table_only=("lease",))
    with pytest.raises(TypeError, match="given two ways: \\['tags'\\]"):
        EntityMapping(Widget, _table(), codecs={"tags": Codec()}, elsewhere=("tags",))
