"""Property-based fuzzing of every operation, generated from the API's own OpenAPI schema.

Schemathesis draws valid and invalid requests for each operation the app documents and checks
the answers against the contract (docs/api.md): no 5xx, only documented statuses, documented
content types and bodies, and every error in the docs/api.md error shape with the right `error`.
"""

from __future__ import annotations

import json
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from litestar.testing import TestClient
from schemathesis import Case, CheckContext, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from application.accounts.commands import CreateUserCommand
from application.shared.actor import Actor
from domain.accounts import Role
from entrypoints.containers import Container
from entrypoints.http.app import API_PREFIX, create_app
from tests.integration.conftest import PASSWORD, bearer, make_container, make_settings
from tests.support.fakes import RecordingMailer

# Fixed, bounded and reproducible: the same examples on every run, few enough per operation
# to keep the module fast on two cores. The database fixture is function-scoped on purpose
# (one fresh copy for the whole run), so that health check does not apply.
FUZZ_SETTINGS = hypothesis.settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=False,
    suppress_health_check=list(HealthCheck),
)
ANONYMOUS_SETTINGS = hypothesis.settings(FUZZ_SETTINGS, max_examples=8)

ERROR_KEYS = {"error", "message", "statusCode", "requestId", "errors"}
# docs/api.md "Errors", written out here rather than imported, so the app can't grade itself.
ERROR_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    412: "PreconditionFailed",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    416: "RangeNotSatisfiable",
    422: "UnprocessableEntity",
    429: "TooManyRequests",
    500: "InternalServerError",
    503: "ServiceUnavailable",
}


@dataclass
class Shop:
    """The app under test, a signed-in admin and ids of real resources to aim requests at."""

    client: TestClient[Any]
    admin_token: str
    ids: dict[str, list[str]] = field(default_factory=dict)


def _create_user(client: TestClient[Any], container: Container, email: str, role: Role) -> str:
    command = CreateUserCommand(email=email, password=PASSWORD, name=email[:3], role=role)
    # On the app's own event loop: the engine's connections belong to it.
    view = client.blocking_portal.call(container.accounts.create_user(), Actor.system(), command)
    return str(view.id)


def _login(client: TestClient[Any], email: str) -> str:
    response = client.post(f"{API_PREFIX}/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["accessToken"])


def _seed(client: TestClient[Any], container: Container) -> Shop:
    """An admin, a customer, products and orders in each interesting state."""
    _create_user(client, container, "admin@example.com", Role.ADMIN)
    customer_id = _create_user(client, container, "ana@example.com", Role.CUSTOMER)
    admin = bearer(_login(client, "admin@example.com"))
    customer = bearer(_login(client, "ana@example.com"))
    products = [
        client.post(
            f"{API_PREFIX}/products",
            json={"name": f"Mug {n}", "priceCents": 1500, "stock": 100},
            headers=admin,
        ).json()["id"]
        for n in range(2)
    ]

    def order() -> str:
        response = client.post(
            f"{API_PREFIX}/orders",
            json={"items": [{"productId": products[0], "quantity": 1}]},
            headers=customer,
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def pay(order_id: str) -> str:
        response = client.post(f"{API_PREFIX}/orders/{order_id}/payment", headers=customer)
        assert response.status_code == 201, response.text
        return str(response.json()["paymentIntentId"])

    pending, paid = order(), order()
    failed_intent = pay(pending)
    paid_intent = pay(paid)
    settled = client.post(f"{API_PREFIX}/sandbox/payments/{paid_intent}/succeed")
    assert settled.status_code == 200, settled.text
    return Shop(
        client=client,
        admin_token=admin["Authorization"].removeprefix("Bearer "),
        ids={
            "/users/": [customer_id],
            "/products/": products,
            "/orders/": [pending, paid],
            "/sandbox/payments/": [failed_intent, paid_intent],
        },
    )


@pytest.fixture
def shop(container: Container) -> Iterator[Shop]:
    """The real app on a fresh database, seeded, served in-process for the whole fuzzing run."""
    with TestClient(app=create_app(container)) as client:
        yield _seed(client, container)


def _published_schema() -> dict[str, Any]:
    """The OpenAPI document the app serves at /schema/openapi.json, built in-process.

    Tests are generated at collection time, so the schema comes from an app around a container
    that is never started: building the document touches no database.
    """
    placeholder = Path(tempfile.gettempdir()) / "hexashop-openapi-fuzz"
    settings = make_settings(placeholder, "sqlite+aiosqlite:///:memory:")
    app = create_app(make_container(settings, RecordingMailer()))
    return app.openapi_schema.to_schema()


schema = schemathesis.openapi.from_dict(_published_schema())
# The tests send real credentials (a fresh admin token, or none at all), so Schemathesis must
# not generate or mutate the Authorization header itself: a "missing header" case would reach
# the app with the admin's token and be blamed for being accepted.
schema.config.generation.update(with_security_parameters=False)


def _aim_at_real_resource(case: Case, shop: Shop) -> None:
    """Point about half of the valid cases at resources that exist.

    Random UUIDs only ever reach the 404 branch. The choice hashes the generated value, so a
    failing example replays identically while Hypothesis shrinks it.
    """
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return
    for prefix, ids in shop.ids.items():
        if prefix not in case.path:
            continue
        for name, value in (case.path_parameters or {}).items():
            pick = zlib.crc32(str(value).encode()) % (2 * len(ids))
            if pick < len(ids):
                case.path_parameters[name] = ids[pick]  # type: ignore[index]


def error_body_conformance(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every 4xx/5xx of the API carries the docs/api.md error body, `error` naming its status.

    The probes at the root are outside the API: /health/ready's 503 is its own documented
    shape (the checks and their states), which `response_schema_conformance` covers.
    """
    if response.status_code < 400 or not case.path.startswith(API_PREFIX):
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"error body is not JSON: {response.content[:200]!r}") from None
    assert isinstance(body, dict), f"error body is not an object: {body!r}"
    assert set(body) <= ERROR_KEYS, f"unexpected keys in the error body: {sorted(body)}"
    assert body.get("statusCode") == response.status_code, f"statusCode mismatch: {body!r}"
    assert body.get("error") == ERROR_NAMES.get(response.status_code), f"bad error name: {body!r}"
    assert isinstance(body.get("message"), str) and body["message"], f"no message: {body!r}"
    request_id = response.headers.get("x-request-id", [None])[0]
    assert body.get("requestId") == request_id, f"requestId is not X-Request-ID: {body!r}"
    return True


# Not `positive_data_acceptance`: JSON Schema can't express every business rule the API
# answers with a documented 400 (password strength, unknown product or image ids, a refresh
# token that was never issued), so schema-valid input is legitimately refused. Nor are any
# operations excluded: the Stripe webhook's raw body is undocumented as a JSON schema, so its
# generated cases carry no body and must (and do) get the documented 400.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    error_body_conformance,
]


def _encodable_parts(files: list[tuple[str, tuple[Any, ...]]]) -> list[tuple[str, tuple[Any, ...]]]:
    """Multipart parts httpx can encode: a generated form field may be a number, which a
    client sends as its text (httpx would fail on it before anything reached the app)."""
    return [
        (name, (part[0], value if isinstance(value, (bytes, str)) else str(value), *part[2:]))
        for name, part in files
        for value in (part[1],)
    ]


def _send(case: Case, client: TestClient[Any], headers: dict[str, str]) -> Any:
    """Send a case through Litestar's test client (the app's own loop and lifespan)."""
    kwargs = case.as_transport_kwargs(base_url=str(client.base_url), headers=headers)
    if kwargs.get("files"):
        kwargs["files"] = _encodable_parts(kwargs["files"])
    content: Any = kwargs.pop("data", None)
    response = client.request(
        kwargs["method"],
        kwargs["url"],
        params=kwargs.get("params"),
        headers=kwargs.get("headers"),
        cookies=kwargs.get("cookies") or None,
        json=kwargs.get("json"),
        content=content if isinstance(content, (bytes, str)) else None,
        data=content if isinstance(content, dict) else None,
        files=kwargs.get("files"),
    )
    # A multipart body (the upload) is sent as a stream; schemathesis reports on the request's
    # content, so it is read back into the request here.
    response.request.read()
    return response


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_keeps_the_contract_for_an_admin(case: Case, shop: Shop) -> None:
    """Valid and invalid requests by an admin get documented answers, never a server error."""
    _aim_at_real_resource(case, shop)
    response = _send(case, shop.client, bearer(shop.admin_token))
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@ANONYMOUS_SETTINGS
def test_every_operation_keeps_the_contract_for_anyone(case: Case, shop: Shop) -> None:
    """Without credentials too: public routes answer, protected ones refuse with 401."""
    _aim_at_real_resource(case, shop)
    response = _send(case, shop.client, {})
    case.validate_response(response, checks=CHECKS)
