"""Views projected from entities: each view field read from the attribute of the same name."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

V = TypeVar("V")


class _Reader:
    """How one entity type becomes one view, given these fields: one getter for the rest,
    and where each given field goes among the view's positional arguments."""

    def __init__(self, source: type[Any], view: type[Any], given: tuple[str, ...]) -> None:
        if not dataclasses.is_dataclass(view):
            raise TypeError(f"{view.__name__} is not a dataclass")
        fields = [f.name for f in dataclasses.fields(view) if f.init]
        if stray := sorted(set(given) - set(fields)):
            raise TypeError(f"{view.__name__} has no field(s) {stray}")
        names = [name for name in fields if name not in given]
        known = set()
        if dataclasses.is_dataclass(source):
            known = {f.name for f in dataclasses.fields(source)}
        if missing := [name for name in names if name not in known and not hasattr(source, name)]:
            raise TypeError(f"{view.__name__} from {source.__name__}: nothing gives {missing}")
        getter = attrgetter(*names)
        self.read: Callable[[Any], Any] = (
            getter if len(names) > 1 else (lambda entity: (getter(entity),))
        )
        # Inserted in ascending position, each lands where the view expects it.
        self.inserts = sorted((fields.index(name), name) for name in given)


# One reader per (entity type, view, fields given), built on first use.
_readers: dict[tuple[type[Any], type[Any], tuple[str, ...]], _Reader] = {}


def project(entity: object, view: type[V], /, **given: Any) -> V:
    """The view of the entity: every view field not given is the entity's attribute of that
    name (properties included); the given ones are computed or renamed by the caller."""
    key = (type(entity), view, tuple(given))
    reader = _readers.get(key)
    if reader is None:
        reader = _readers[key] = _Reader(*key)
    if not given:
        return view(*reader.read(entity))
    values = list(reader.read(entity))
    for position, name in reader.inserts:
        values.insert(position, given[name])
    return view(*values)
