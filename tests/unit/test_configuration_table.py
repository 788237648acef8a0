"""The README's configuration table and the settings definition name the same variables with
the same defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from entrypoints.environment import COMPUTED, Variable
from entrypoints.settings import VARIABLES

README = Path(__file__).parents[2] / "README.md"

# Documented beside the service's own settings, but read by another program.
READ_ELSEWHERE = {"FORWARDED_ALLOW_IPS": "uvicorn"}

# A default cell that says there is no value: unset, or an empty list.
_NO_VALUE = re.compile(r"^(unset|empty)\b")
_ONE_LITERAL = re.compile(r"^`([^`]*)`$")


def _table() -> dict[str, str]:
    """Variable -> default cell of the README's configuration table."""
    text = README.read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        name = _ONE_LITERAL.match(cells[0]) if line.startswith("|") else None
        if name:
            rows[name.group(1)] = cells[1]
    return rows


TABLE = _table()
BY_NAME = {variable.name: variable for variable in VARIABLES}


def test_every_variable_is_in_the_table_and_every_row_is_a_variable() -> None:
    documented = set(TABLE) - set(READ_ELSEWHERE)

    assert sorted(documented - set(BY_NAME)) == []
    assert sorted(set(BY_NAME) - documented) == []


@pytest.mark.parametrize("variable", VARIABLES, ids=[v.name for v in VARIABLES])
def test_the_table_gives_the_definitions_default(variable: Variable) -> None:
    cell = TABLE[variable.name]
    literal = _ONE_LITERAL.match(cell)

    if literal is not None and variable.unset is not None:
        # Read from a text when unset (`auto`): the table names that text.
        assert literal.group(1) == variable.unset
    elif literal is not None:
        # Read the way the variable's own value would be.
        assert variable.read(literal.group(1)) == variable.default
    elif _NO_VALUE.match(cell):
        assert variable.default in (None, "", ())
    else:
        # Prose: only for a default worked out from other settings.
        assert variable.computed is COMPUTED, f"{variable.name}: {cell!r} is not a default"
