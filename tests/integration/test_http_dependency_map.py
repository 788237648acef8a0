"""The kind of each use case's provider agrees with the security its routes document."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from dependency_injector import containers, providers

from entrypoints.containers import Container
from entrypoints.containers.access import OptionalCaller, Public, SignedIn, exposed_use_cases
from entrypoints.http.app import create_app
from entrypoints.http.openapi import BEARER_SCHEME
from tests.integration.conftest import make_settings

# What a route's OpenAPI security says about signing in, for each kind of use case.
_EXPECTED_SECURITY = {SignedIn: "required", OptionalCaller: "optional", Public: "none"}


def _sign_in(security: list[dict[str, list[str]]]) -> str:
    bearer = [BEARER_SCHEME in requirement for requirement in security]
    if bearer and all(bearer):
        return "required"
    return "optional" if any(bearer) else "none"


def test_every_exposed_use_case_is_asked_for_on_routes_that_match_its_kind(tmp_path: Path):
    container = Container(settings=make_settings(tmp_path, "sqlite+aiosqlite://"))
    exposed = dict(exposed_use_cases(container))
    app = create_app(container)
    asked: set[str] = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            for name in inspect.signature(handler.fn).parameters.keys() & exposed.keys():
                asked.add(name)
                expected = _EXPECTED_SECURITY[type(exposed[name])]
                assert _sign_in(handler.resolve_security()) == expected, (route.path, name)
    assert asked == exposed.keys()


def test_a_use_case_name_belongs_to_one_context_only():
    class Left(containers.DeclarativeContainer):
        list_things = Public(list)

    class Right(containers.DeclarativeContainer):
        list_things = SignedIn(list)

    class Root(containers.DeclarativeContainer):
        left = providers.Container(Left)
        right = providers.Container(Right)

    with pytest.raises(ValueError, match="'list_things' is exposed by both left and right"):
        dict(exposed_use_cases(Root()))
