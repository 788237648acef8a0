"""Routes for one role: anyone else signed in is 403 before the request is looked at.

A customer probing an admin route learns nothing from validation errors: a bad id, page,
cursor or body is still 403, not 400. Callers with the role get the usual 400s. The routes
come from the use cases' kinds (AdminOnly, StaffOnly), so a new one is covered when added.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar.routes import HTTPRoute

from domain.accounts import Role
from entrypoints.containers import Container
from entrypoints.containers.access import SignedIn, exposed_use_cases
from entrypoints.http.app import create_app
from tests.integration.conftest import API, assert_error_body, bearer

# Everything a validator would refuse: not a UUID, out-of-range paging, a forged cursor, and
# a body of the wrong shape.
_BAD_QUERY = {"page": "0", "limit": "abc", "cursor": "%%%", "sort": "nope"}
_BAD_BODY = {"priceCents": "free", "email": 7, "delta": "x", "role": ["admin"]}


def _role_routes(container: Container) -> list[tuple[str, str, frozenset[Role]]]:
    """(method, path with a bad id, roles) for every route asking for a role-only use case."""
    kinds = {
        name: provider.roles
        for name, provider in exposed_use_cases(container)
        if isinstance(provider, SignedIn) and provider.roles
    }
    found = []
    for route in create_app(container).routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method, (handler, _) in route.route_handler_map.items():
            asked = handler.parsed_fn_signature.parameters.keys() & kinds.keys()
            if asked:
                roles = frozenset.intersection(*(kinds[name] for name in asked))
                path = route.path.replace("{id:str}", "not-a-uuid")
                found.append((method, path, roles))
    return sorted(found, key=lambda r: (r[1], r[0]))


async def _send(client: Any, method: str, path: str, token: str) -> Any:
    body = _BAD_BODY if method in {"POST", "PUT", "PATCH"} else None
    return await client.request(method, path, params=_BAD_QUERY, json=body, headers=bearer(token))


def test_every_role_only_route_of_the_contract_is_found(container: Container):
    routes = {
        (method, path.removeprefix(API)): roles for method, path, roles in _role_routes(container)
    }
    admin, staff = frozenset({Role.ADMIN}), frozenset({Role.ADMIN, Role.EDITOR})

    # docs/api.md: 9 admin routes, 4 for admins and editors.
    assert {k for k, v in routes.items() if v == admin} == {
        ("GET", "/counters"),
        ("DELETE", "/products/not-a-uuid"),
        ("POST", "/orders/not-a-uuid/refund"),
        ("GET", "/users"),
        ("POST", "/users"),
        ("DELETE", "/users/not-a-uuid"),
        ("GET", "/users/not-a-uuid"),
        ("PATCH", "/users/not-a-uuid"),
        ("PUT", "/users/not-a-uuid"),
    }
    assert {k for k, v in routes.items() if v == staff} == {
        ("POST", "/orders/not-a-uuid/ship"),
        ("POST", "/products"),
        ("PATCH", "/products/not-a-uuid"),
        ("POST", "/products/not-a-uuid/stock"),
    }


@pytest.mark.parametrize("who", ["customer", "editor"])
async def test_a_caller_without_the_role_is_403_whatever_it_sent(
    client: Any, container: Container, customer_token: str, editor_token: str, who: str
):
    token, role = (
        (customer_token, Role.CUSTOMER) if who == "customer" else (editor_token, Role.EDITOR)
    )
    refused = [r for r in _role_routes(container) if role not in r[2]]
    assert refused

    for method, path, _ in refused:
        response = await _send(client, method, path, token)
        assert response.status_code == 403, (method, path, response.text)
        assert_error_body(response, 403, "Forbidden")


async def test_a_caller_with_the_role_gets_the_usual_validation_errors(
    client: Any, container: Container, admin_token: str
):
    for method, path, _ in _role_routes(container):
        response = await _send(client, method, path, admin_token)
        assert response.status_code == 400, (method, path, response.text)


async def test_without_a_token_it_is_still_401(client: Any, container: Container):
    for method, path, _ in _role_routes(container):
        response = await client.request(method, path, params=_BAD_QUERY)
        assert_error_body(response, 401, "Unauthorized")
