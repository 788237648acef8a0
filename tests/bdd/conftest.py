"""Wiring for the executable specifications: the --driver option, the World, every step.

`pytest tests/bdd` runs every scenario on the use cases and in-memory adapters;
`pytest tests/bdd --driver=http` runs the very same scenarios through the Litestar app on a
migrated SQLite database. The contexts come from tests/bdd/contexts.py: each one's step
modules are loaded here, and each gets a fixture of its own name holding its World part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest

from tests.bdd.contexts import CONTEXTS, step_modules
from tests.bdd.shared.context import World, build_world
from tests.bdd.shared.system import System

DRIVERS = ("use_case", "http", "lambda")
# pytest-bdd registers each step definition as a fixture with this prefix in its module.
STEP_FIXTURE_PREFIX = "pytestbdd_"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --driver (honoured because this conftest is loaded for `pytest tests/bdd`)."""
    parser.addoption(
        "--driver",
        choices=DRIVERS,
        default="use_case",
        help="how the BDD specs reach the system: use_case (default), http or lambda (the "
        "HTTP drivers through the Lambda handler)",
    )


def chosen_driver(config: pytest.Config) -> str:
    """The driver asked for; the default when this conftest registered its option late."""
    return str(config.getoption("driver", default="use_case"))


def _load_steps(namespace: dict[str, Any]) -> None:
    """Make every registered step definition visible to every feature, from this conftest."""
    for name in step_modules():
        module = import_module(name)
        for attribute, value in vars(module).items():
            if attribute.startswith(STEP_FIXTURE_PREFIX):
                # The same phrase defined twice would silently shadow one of them.
                assert attribute not in namespace, f"{attribute} is defined twice ({name})"
                namespace[attribute] = value


def _part_fixture(name: str) -> Callable[..., Any]:
    """A fixture, named after the context, giving its steps that context's World part."""

    def part(world: World) -> Any:
        return world.part(name)

    part.__doc__ = f"The {name} part of the scenario's World."
    return pytest.fixture(name=name)(part)


_load_steps(globals())
for _context in CONTEXTS:
    globals()[f"{_context.name}_part_fixture"] = _part_fixture(_context.name)


@pytest.fixture(scope="session")
def bdd_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database per run; each scenario gets a copy (migrating is the slow part)."""
    from tests.bdd.shared.http import migrated_template

    return migrated_template(tmp_path_factory.mktemp("bdd-template"))


@pytest.fixture
def system(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[System]:
    """The way in chosen with --driver, fresh for each scenario."""
    built: System
    if chosen_driver(request.config) == "lambda":
        from tests.bdd.shared.aws_lambda import LambdaSystem

        built = LambdaSystem(tmp_path, request.getfixturevalue("bdd_sqlite_template"))
    elif chosen_driver(request.config) == "http":
        # Imported here: the default run needs neither the app nor the SQL adapters.
        from tests.bdd.shared.http import HttpSystem

        built = HttpSystem(tmp_path, request.getfixturevalue("bdd_sqlite_template"))
    else:
        from tests.bdd.shared.use_case import UseCaseSystem

        built = UseCaseSystem()
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def world(system: System) -> World:
    """What the steps of one scenario share: one part per registered context."""
    return build_world(system, CONTEXTS)
