"""Reading a settings Struct from environment variables, one variable per field.

A field's variable is its name in capitals (the Struct's `rename="upper"`), and its type,
default and bounds are the field's own declaration: `Annotated[int, msgspec.Meta(ge=1)]`,
`Annotated[str, OneOf(...)]`, `Annotated[..., Parse(function)]`. Nothing about a variable is
written anywhere else, so the reader, the settings object and the README check
(tests/unit/test_configuration_table.py) can't disagree.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import msgspec


class SettingsError(Exception):
    """Configuration is missing or invalid; the message is one line naming the variable."""


@dataclass(frozen=True, slots=True)
class OneOf:
    """The variable must be one of these words."""

    choices: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Parse:
    """The variable's text is read by this function, which raises SettingsError when the text
    is not valid; `unset` is the text read when the variable is unset or empty (None: the
    field's default applies)."""

    function: Callable[[str, str], Any]
    unset: str | None = None


@dataclass(frozen=True, slots=True)
class Computed:
    """Unset, the value is worked out from other settings (the field's default is only what
    that gives on a default environment)."""


COMPUTED = Computed()


@dataclass(frozen=True, slots=True)
class Variable:
    """One environment variable: its name, the field it fills, how its text is read."""

    name: str
    attribute: str
    read: Callable[[str], Any]
    default: Any
    unset: str | None
    computed: Computed | None


_BOOLEANS = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def _integer(name: str, meta: msgspec.Meta | None, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    minimum = meta.ge if meta is not None else None
    if minimum is not None and value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def _number(name: str, meta: msgspec.Meta | None, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    bound = meta.gt if meta is not None else None
    if bound is not None and value <= bound:
        wanted = "positive" if bound == 0 else f"more than {bound}"
        raise SettingsError(f"{name} must be {wanted}, got {raw}")
    return value


def _boolean(name: str, raw: str) -> bool:
    try:
        return _BOOLEANS[raw.strip().lower()]
    except KeyError:
        raise SettingsError(f"{name} must be true or false, got {raw!r}") from None


def _text(name: str, meta: msgspec.Meta | None, one_of: OneOf | None, raw: str) -> str:
    if one_of is not None and raw not in one_of.choices:
        raise SettingsError(f"{name} must be one of {', '.join(one_of.choices)}, got {raw!r}")
    minimum = meta.min_length if meta is not None else None
    if minimum is not None and len(raw) < minimum:
        raise SettingsError(f"{name} must be at least {minimum} characters")
    return raw


def _words(raw: str) -> tuple[str, ...]:
    """A comma-separated list, blanks dropped."""
    return tuple(word.strip() for word in raw.split(",") if word.strip())


# The msgspec.Meta bounds the readers below enforce, per type; declaring another is an error
# at import rather than a bound silently not checked.
_ENFORCED_BOUNDS = {int: {"ge"}, float: {"gt"}, str: {"min_length"}}
_BOUNDS = ("gt", "ge", "lt", "le", "multiple_of", "pattern", "min_length", "max_length")


def _check_bounds(name: str, base: Any, meta: msgspec.Meta | None) -> None:
    declared = {bound for bound in _BOUNDS if getattr(meta, bound, None) is not None}
    unchecked = declared - _ENFORCED_BOUNDS.get(base, set())
    if unchecked:
        raise TypeError(f"{name}: the reader does not check {sorted(unchecked)}")


def _reader(name: str, hint: Any) -> tuple[Callable[[str], Any], str | None, Computed | None]:
    """How to read the variable of a field declared with this type: the reader, the text
    that stands for "unset", and how an unset value is computed."""
    extras: list[Any] = []
    base = hint
    if typing.get_origin(hint) is typing.Annotated:
        base, *extras = typing.get_args(hint)
    meta = next((e for e in extras if isinstance(e, msgspec.Meta)), None)
    one_of = next((e for e in extras if isinstance(e, OneOf)), None)
    parse = next((e for e in extras if isinstance(e, Parse)), None)
    computed = next((e for e in extras if isinstance(e, Computed)), None)
    if parse is not None:
        return partial(parse.function, name), parse.unset, computed
    optional = isinstance(base, types.UnionType) and type(None) in typing.get_args(base)
    if optional:
        (base,) = (arg for arg in typing.get_args(base) if arg is not type(None))
    _check_bounds(name, base, meta)
    read: Callable[[str], Any]
    if base is bool:
        read = partial(_boolean, name)
    elif base is int:
        read = partial(_integer, name, meta)
    elif base is float:
        read = partial(_number, name, meta)
    elif base is str:
        read = partial(_text, name, meta, one_of)
    elif typing.get_origin(base) is tuple and typing.get_args(base) == (str, ...):
        read = _words
    else:
        raise TypeError(f"{name}: no reader for {base!r}; declare one with Parse")
    return read, None, computed


def variables(struct: type[msgspec.Struct]) -> tuple[Variable, ...]:
    """Every variable of a settings Struct, in field order."""
    hints = typing.get_type_hints(struct, include_extras=True)
    found = []
    for field in msgspec.structs.fields(struct):
        read, unset, computed = _reader(field.encode_name, hints[field.name])
        found.append(Variable(field.encode_name, field.name, read, field.default, unset, computed))
    return tuple(found)


def read_environment(known: tuple[Variable, ...], env: Mapping[str, str]) -> dict[str, Any]:
    """The values of the variables set in `env` (or read from their "unset" text), by
    attribute; unset ones are left out, so their default (or computed value) applies."""
    values: dict[str, Any] = {}
    for variable in known:
        raw = env.get(variable.name) or variable.unset
        if raw is not None:
            values[variable.attribute] = variable.read(raw)
    return values
