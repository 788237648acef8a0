"""Entities to table rows and back, derived from the dataclass's fields and the table's columns.

A field is stored in the column of the same name, as it is, unless a `Codec` says how its
stored form differs (enums as their values, ids as JSON strings) or it is `Embedded` (a
dataclass whose fields are columns of the same table). An `EntityMapping` is built once, at
import, and refuses a field without a column or a column without a field there, so an entity
and its table cannot drift apart silently.

Rows are anything indexable by column name: SQLAlchemy's row mappings and asyncpg's Records
alike. The mapping reads a row with one `itemgetter` and builds the entity positionally, which
costs no more per row than a hand-written mapper.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from operator import attrgetter, itemgetter
from typing import Any, Generic, NamedTuple, TypeVar

from sqlalchemy import Table

from adapters.sqlalchemy.reader import Row

E = TypeVar("E")


class Codec(NamedTuple):
    """How one field's stored form differs from its value: None leaves that direction as is."""

    encode: Callable[[Any], Any] | None = None
    decode: Callable[[Any], Any] | None = None


_AS_IS = Codec()


def enum_codec(enum: Callable[[Any], Any]) -> Codec:
    """An enum stored as its value."""
    return Codec(encode=attrgetter("value"), decode=enum)


class Embedded:
    """A field holding a dataclass whose fields are columns of the entity's table.

    Each of its fields lives in the column of the same name unless `columns` renames it.
    """

    def __init__(self, cls: type[Any], **columns: str) -> None:
        self.cls = cls
        names = _field_names(cls)
        if unknown := columns.keys() - set(names):
            raise TypeError(f"{cls.__name__} has no field(s) {sorted(unknown)}")
        self.columns = tuple(columns.get(name, name) for name in names)
        self.paths = names


# One fix-up of the values read from a row, in place: decode one value, build an embedded
# dataclass from several, or insert a field stored elsewhere (given to `entity()`).
_Step = Callable[[list[Any], Mapping[str, Any]], None]


def _decode_step(position: int, decode: Callable[[Any], Any]) -> _Step:
    def step(values: list[Any], elsewhere: Mapping[str, Any]) -> None:
        values[position] = decode(values[position])

    return step


def _embed_step(position: int, width: int, cls: type[Any]) -> _Step:
    end = position + width

    def step(values: list[Any], elsewhere: Mapping[str, Any]) -> None:
        values[position:end] = [cls(*values[position:end])]

    return step


def _elsewhere_step(position: int, name: str) -> _Step:
    def step(values: list[Any], elsewhere: Mapping[str, Any]) -> None:
        values.insert(position, elsewhere[name])

    return step


def _field_names(cls: type[Any]) -> tuple[str, ...]:
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    fields = dataclasses.fields(cls)
    if not_init := [f.name for f in fields if not f.init]:
        raise TypeError(f"{cls.__name__}: fields outside __init__ cannot be mapped: {not_init}")
    return tuple(f.name for f in fields)


def _tuple_getter(
    getter: Callable[..., Any], keys: Iterable[str]
) -> Callable[[Any], tuple[Any, ...]]:
    # itemgetter and attrgetter return a tuple for several keys, the bare value for one.
    keys = tuple(keys)
    if len(keys) == 1:
        one = getter(*keys)
        return lambda source: (one(source),)
    get: Callable[[Any], tuple[Any, ...]] = getter(*keys)
    return get


class EntityMapping(Generic[E]):
    """How one dataclass is stored in one table: `values(entity)` to write, `entity(row)` to read.

    `elsewhere` names fields the table does not hold (an order's lines), which `entity()`
    takes as keyword arguments; `table_only` names columns the entity does not hold (a lease),
    which `values()` takes as keyword arguments and `entity()` ignores.
    """

    def __init__(
        self,
        cls: type[E],
        table: Table,
        *,
        codecs: Mapping[str, Codec] | None = None,
        embedded: Mapping[str, Embedded] | None = None,
        elsewhere: Iterable[str] = (),
        table_only: Iterable[str] = (),
    ) -> None:
        codecs = dict(codecs or {})
        embedded = dict(embedded or {})
        elsewhere = frozenset(elsewhere)
        self._cls = cls
        self._table_only = frozenset(table_only)
        fields = _field_names(cls)
        special = [*codecs, *embedded, *elsewhere]
        if unknown := set(special) - set(fields):
            raise TypeError(f"{cls.__name__} has no field(s) {sorted(unknown)}")
        if doubled := {name for name in special if special.count(name) > 1}:
            raise TypeError(f"{cls.__name__}: field(s) given two ways: {sorted(doubled)}")
        columns: list[str] = []  # read from a row, in field order
        paths: list[str] = []  # the attribute each column is written from
        steps: list[_Step] = []
        encoders: list[tuple[str, Callable[[Any], Any]]] = []
        for name in fields:
            if name in elsewhere:
                steps.append(_elsewhere_step(len(columns), name))
            elif name in embedded:
                part = embedded[name]
                steps.append(_embed_step(len(columns), len(part.columns), part.cls))
                columns.extend(part.columns)
                paths.extend(f"{name}.{path}" for path in part.paths)
            else:
                codec = codecs.get(name, _AS_IS)
                if codec.decode is not None:
                    steps.append(_decode_step(len(columns), codec.decode))
                if codec.encode is not None:
                    encoders.append((name, codec.encode))
                columns.append(name)
                paths.append(name)
        self._check(table, columns)
        self._columns = tuple(columns)
        self._read = _tuple_getter(itemgetter, self._columns)
        self._attributes = _tuple_getter(attrgetter, paths)
        # A dataclass's instance __dict__ holds its fields, so when every field but those
        # stored elsewhere is its own column, a copy of it is the row: four times faster
        # than reading the attributes one by one. Only while it holds nothing else (a
        # cached_property would add to it); otherwise the attributes are read.
        self._copy_dict = not embedded and not hasattr(cls, "__slots__")
        self._field_count = len(fields)
        self._elsewhere = tuple(elsewhere)
        self._encoders = tuple(encoders)
        # Applied last field first, so each step leaves the positions of earlier ones as they are.
        self._steps = tuple(reversed(steps))

    def _check(self, table: Table, columns: list[str]) -> None:
        stored = set(table.columns.keys())
        problems = []
        if missing := [c for c in columns if c not in stored]:
            problems.append(f"no column for {missing}")
        if unmapped := sorted(stored - set(columns) - self._table_only):
            problems.append(f"no field for column(s) {unmapped}")
        if stray := sorted(self._table_only - stored):
            problems.append(f"table_only names no column: {stray}")
        if doubled := sorted({c for c in columns if columns.count(c) > 1}):
            problems.append(f"column(s) mapped twice: {doubled}")
        if problems:
            raise TypeError(f"{self._cls.__name__} in {table.name}: {'; '.join(problems)}")

    def values(self, entity: E, /, **table_only: Any) -> dict[str, Any]:
        """The row to write for the entity, by column name, plus the given table-only columns."""
        if self._copy_dict and len(vars(entity)) == self._field_count:
            values = vars(entity).copy()
            for name in self._elsewhere:
                del values[name]
        else:
            values = dict(zip(self._columns, self._attributes(entity), strict=True))
        for column, encode in self._encoders:
            values[column] = encode(values[column])
        if table_only:
            values.update(self._checked(table_only))
        return values

    def update_values(
        self, entity: E, columns: Iterable[str], /, **table_only: Any
    ) -> dict[str, Any]:
        """Only these columns' values (and the given table-only ones), for an UPDATE that
        changes just them."""
        values = self.values(entity)
        changes = {column: values[column] for column in columns}
        changes.update(self._checked(table_only))
        return changes

    def _checked(self, table_only: dict[str, Any]) -> dict[str, Any]:
        if stray := table_only.keys() - self._table_only:
            raise TypeError(f"not table-only columns: {sorted(stray)}")
        return table_only

    def entity(self, row: Row, /, **elsewhere: Any) -> E:
        """The entity stored in the row, with the fields stored elsewhere as given."""
        values = self._read(row)
        if not self._steps:
            return self._cls(*values)
        fixed = list(values)
        for step in self._steps:
            step(fixed, elsewhere)
        return self._cls(*fixed)
