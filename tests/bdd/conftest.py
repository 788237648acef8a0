"""Wiring for the executable specifications: the --driver option and the per-scenario world.

`pytest tests/bdd` runs every scenario on the use cases and in-memory adapters;
`pytest tests/bdd --driver=http` runs the very same scenarios through the Litestar app on a
migrated SQLite database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bdd.drivers.base import Driver
from tests.bdd.steps.accounts_steps import *  # noqa: F403 - step definitions are fixtures
from tests.bdd.steps.catalog_steps import *  # noqa: F403
from tests.bdd.steps.common_steps import *  # noqa: F403
from tests.bdd.steps.messaging_steps import *  # noqa: F403
from tests.bdd.steps.ordering_steps import *  # noqa: F403
from tests.bdd.world import World

DRIVERS = ("use_case", "http")


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --driver (honoured because this conftest is loaded for `pytest tests/bdd`)."""
    parser.addoption(
        "--driver",
        choices=DRIVERS,
        default="use_case",
        help="how the BDD specs reach the system: use_case (default) or http",
    )


def chosen_driver(config: pytest.Config) -> str:
    """The driver asked for; the default when this conftest registered its option late."""
    return str(config.getoption("driver", default="use_case"))


@pytest.fixture(scope="session")
def bdd_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database per run; each scenario gets a copy (migrating is the slow part)."""
    from tests.bdd.drivers.http import migrated_template

    return migrated_template(tmp_path_factory.mktemp("bdd-template"))


@pytest.fixture
def driver(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Driver]:
    """The driver chosen with --driver, fresh for each scenario."""
    built: Driver
    if chosen_driver(request.config) == "http":
        # Imported here: the default run needs neither the app nor the SQL adapters.
        from tests.bdd.drivers.http import HttpDriver

        template = request.getfixturevalue("bdd_sqlite_template")
        built = HttpDriver(tmp_path, template)
    else:
        from tests.bdd.drivers.use_case import UseCaseDriver

        built = UseCaseDriver()
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def world(driver: Driver) -> World:
    """What the steps of one scenario share."""
    return World(driver=driver)
