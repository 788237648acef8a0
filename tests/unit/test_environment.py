"""Reading a settings Struct from the environment: names, types, bounds and defaults come from
its fields."""

from __future__ import annotations

from typing import Annotated

import msgspec
import pytest

from entrypoints.environment import (
    COMPUTED,
    OneOf,
    Parse,
    SettingsError,
    read_environment,
    variables,
)


def _shouted(name: str, raw: str) -> str:
    return raw.upper()


class Example(msgspec.Struct, frozen=True, kw_only=True, rename="upper"):
    """A small settings definition."""

    workers: Annotated[int, msgspec.Meta(ge=2)] = 4
    ratio: Annotated[float, msgspec.Meta(gt=0.5)] = 1.0
    mode: Annotated[str, OneOf(("fast", "slow"))] = "fast"
    greeting: Annotated[str, Parse(_shouted, unset="hello")] = "HELLO"
    hosts: tuple[str, ...] = ()
    verbose: bool = False
    base_url: str | None = None
    derived: Annotated[int, COMPUTED] = 0


VARIABLES = variables(Example)


def test_each_field_is_one_variable_named_in_capitals() -> None:
    assert [v.name for v in VARIABLES] == [
        "WORKERS",
        "RATIO",
        "MODE",
        "GREETING",
        "HOSTS",
        "VERBOSE",
        "BASE_URL",
        "DERIVED",
    ]
    assert [v.computed is COMPUTED for v in VARIABLES] == [False] * 7 + [True]


def test_set_variables_are_read_by_their_fields_types_and_unset_ones_left_out() -> None:
    env = {"WORKERS": " 3", "HOSTS": "a, b,,", "VERBOSE": "Yes", "BASE_URL": "", "MODE": ""}

    values = read_environment(VARIABLES, env)

    # GREETING is read from its "unset" text; BASE_URL and MODE, empty, count as unset.
    assert values == {"workers": 3, "hosts": ("a", "b"), "verbose": True, "greeting": "HELLO"}
    assert Example(**values).mode == "fast"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"WORKERS": "1"}, "WORKERS must be at least 2, got 1"),
        ({"WORKERS": "many"}, "WORKERS must be an integer, got 'many'"),
        ({"RATIO": "0.5"}, "RATIO must be more than 0.5, got 0.5"),
        ({"MODE": "warp"}, "MODE must be one of fast, slow, got 'warp'"),
        ({"VERBOSE": "maybe"}, "VERBOSE must be true or false, got 'maybe'"),
    ],
)
def test_a_value_out_of_its_declared_bounds_is_refused_naming_the_variable(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        read_environment(VARIABLES, env)

    assert str(raised.value) == message


def test_a_bound_the_reader_would_not_check_is_refused_when_declared() -> None:
    class Unchecked(msgspec.Struct, rename="upper"):
        """A bound no reader checks."""

        limit: Annotated[int, msgspec.Meta(le=3)] = 1

    with pytest.raises(TypeError, match="LIMIT"):
        variables(Unchecked)
