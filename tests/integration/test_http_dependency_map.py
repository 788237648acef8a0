"""The kind of each use case's provider agrees with the security its routes document."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from dependency_injector import containers, providers
from litestar.routes import HTTPRoute

from entrypoints.containers import Container
from entrypoints.containers.access import (
    AdminOnly,
    OptionalCaller,
    Public,
    SignedIn,
    StaffOnly,
    WithApiKey,
    exposed_use_cases,
)
from entrypoints.http.app import create_app
from entrypoints.http.openapi import BEARER_SCHEME
from tests.integration.conftest import make_settings

# What a route's OpenAPI security says about signing in, for each kind of use case.
_EXPECTED_SECURITY = {
    SignedIn: "required",
    StaffOnly: "required",
    AdminOnly: "required",
    OptionalCaller: "optional",
    Public: "none",
    WithApiKey: "none",
}


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


# Routes where Litestar resolves two dependencies side by side, in an anyio task group per
# request (a few hundred Python calls; litestar issue 4563). Cold routes only: a hot route's
# use cases depend on the check before them (dependencies.py) and run one after the other.
_SIBLING_DEPENDENCIES = {
    ("POST", "/api/v1/webhooks/stripe"): [["handle_payment_event", "payment_gateway"]],
    ("GET", "/api/v1/media/{id:str}"): [["open_media", "presign_media"]],
}


def test_only_cold_routes_resolve_dependencies_side_by_side(tmp_path: Path):
    app = create_app(Container(settings=make_settings(tmp_path, "sqlite+aiosqlite://")))
    siblings = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for method, (_, kwargs_model) in route.route_handler_map.items():
                batches = [b for b in kwargs_model.dependency_batches if len(b) > 1]
                if batches:
                    siblings[(method, route.path)] = [sorted(d.key for d in b) for b in batches]
    assert siblings == _SIBLING_DEPENDENCIES
