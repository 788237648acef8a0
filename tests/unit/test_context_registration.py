"""Every bounded context is registered everywhere it must be, under one name.

A context is a folder per layer plus three registration points (README "Adding a context");
these checks fail when a new context was added to some of them and forgotten in the others.
"""

from __future__ import annotations

from pathlib import Path

from dependency_injector import providers

from adapters.contexts import MemoryRepositories, SqlRepositories
from entrypoints.containers import Container
from entrypoints.contexts import CONTEXTS
from tests.bdd.contexts import CONTEXTS as SPEC_CONTEXTS
from tests.support.unit_of_work import context_units_of_work, repositories_the_ports_name

ROOT = Path(__file__).resolve().parents[2]


def _application_contexts() -> set[str]:
    """The application packages whose ports declare a unit of work: the bounded contexts."""
    return {uow.__module__.split(".")[1] for uow in context_units_of_work()}


def _container_contexts() -> set[str]:
    return {
        name
        for name, provider in Container.providers.items()
        if isinstance(provider, providers.Container) and name != "core"
    }


def test_every_application_context_has_a_container_and_entry_points() -> None:
    assert _container_contexts() == _application_contexts()
    assert {entry.name for entry in CONTEXTS} == _application_contexts()


def test_every_context_has_specs_and_a_features_folder() -> None:
    features = {path.name for path in (ROOT / "features").iterdir() if path.is_dir()}

    assert {context.name for context in SPEC_CONTEXTS} == _application_contexts()
    assert features == _application_contexts()


def test_both_units_of_work_build_what_the_ports_name() -> None:
    names = repositories_the_ports_name()

    assert set(SqlRepositories.repository_names()) == names
    assert set(MemoryRepositories.repository_names()) == names
