"""Schemathesis 4 over the whole API as three callers: anonymous, a customer and an admin.

Every check schemathesis has (`schemathesis.checks` all: `not_a_server_error`,
`status_code_conformance`, `content_type_conformance`, `response_schema_conformance`,
`response_headers_conformance`, `positive_data_acceptance`, `negative_data_rejection`,
`ignored_auth`, `use_after_free`, `ensure_resource_availability`, `missing_required_header`,
`unsupported_method`, `allow_header_conformance`...) plus `error_body_conformance` below, in
the examples, coverage and fuzzing phases (one test per caller, about half of the valid cases
aimed at resources that exist) and the stateful phase (one state machine per caller, each
scenario starting from the database as seeded, so that replaying a scenario meets the same
answers). Each caller has its own throwaway SQLite database and app, so the admin deleting or
demoting users and deleting products cannot lock the other runs out.

Two checks are narrowed, never switched off. `positive_data_acceptance` on the operations
below, whose schema-valid input names something JSON Schema can't know exists. The server is
right to refuse it with a 400 (docs/api.md), and only a 400 naming that field passes:
- GET /products?minPrice=999&maxPrice=0: each bound is valid, the range is not (JSON Schema
  can't compare two parameters); a 400 naming minPrice (test_min_price_above_max_price_is_400).
  Likewise, on every list that pages by cursor (GET /products, /orders, /users, /media,
  /posts and a post's comments), `?cursor=` with base64url text that is no cursor this API
  made, or `cursor` with `page` 2 (on GET /posts also a cursor with `search`, whose ranking
  pages by number only): a 400 naming cursor (test_a_forged_or_misused_cursor_is_400_on_cursor
  and its kin per list).
- POST /orders `{"items": [{"productId": "<random uuid>", "quantity": 2}]}`: unknown product
  (or one product twice, which JSON Schema can't see either), a 400 naming the item.
- POST /products, PATCH /products/{id} `{"imageIds": ["<random uuid>"]}`: unknown image.
- POST /posts, PATCH /posts/{id} `{"coverImageId": "<random uuid>"}`: no such uploaded file.
- POST /auth/verify-email, /auth/reset-password `{"token": "x"}`: a token never issued.
- POST /webhooks/stripe with `Stripe-Signature: t=1,v1=00`: the signature does not verify.
- POST /media with random bytes as `file`: the type is sniffed from the bytes, and bytes that
  are no PNG, JPEG, GIF, WebP, PDF, MP3, MP4 or WebM are a 400 naming `file` (JSON Schema can
  say "binary", not "an image").

And `use_after_free` on /products/{id}: DELETE of a product that orders name deactivates it
instead (docs/api.md, Catalog), so staff still read, edit and restock it; only an answer
showing it `"active": false` passes (test_deleting_an_ordered_product_deactivates_it).

Bounded and reproducible: a fixed seed, derandomized, the HTTP rate limiter off (it would
answer the fuzzer's bursts with 429) and each caller signed in before any fuzzed request, so
its own login is never throttled by the fuzzer's failed ones.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import msgspec
import pytest
import schemathesis
from schemathesis import Case, CheckContext, GenerationMode
from schemathesis.core.transport import Response
from schemathesis.openapi.generation.filters import is_valid_header
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance, use_after_free

from application.accounts.commands import CreateUserCommand
from application.shared.actor import Actor
from domain.accounts import Role
from entrypoints.http.app import API_PREFIX, create_app
from entrypoints.settings import Settings
from tests.integration.conftest import PASSWORD, bearer, make_container, make_settings
from tests.support.databases import copy_sqlite_database, sqlite_url
from tests.support.fakes import RecordingMailer
from tests.support.postgres import run_in_fresh_loop

# Bounded and reproducible: the same cases every run, few enough that the three callers
# together stay well under a minute on two cores.
MAX_EXAMPLES = 10
STATEFUL_STEPS = 6
SEED = 20261201

ADMIN, CUSTOMER = "admin@example.com", "ana@example.com"
LOGINS = {"anonymous": None, "customer": CUSTOMER, "admin": ADMIN}

ERROR_KEYS = {"error", "message", "statusCode", "requestId", "errors"}
# docs/api.md "Errors", written out here rather than imported, so the app can't grade itself.
ERROR_NAMES = {
    400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
    405: "MethodNotAllowed", 409: "Conflict", 412: "PreconditionFailed", 413: "PayloadTooLarge",
    415: "UnsupportedMediaType", 416: "RangeNotSatisfiable", 422: "UnprocessableEntity",
    429: "TooManyRequests", 500: "InternalServerError", 503: "ServiceUnavailable",
}  # fmt: skip
# Operations whose valid input may name what does not exist (module docstring): the fields a
# 400 may name instead of accepting it, or None for a 400 without field errors.
REFERS_TO_UNKNOWN: dict[str, tuple[str, ...] | None] = {
    "GET /api/v1/products": ("minPrice", "cursor"),
    "GET /api/v1/orders": ("cursor",),
    "POST /api/v1/orders": ("items",),
    "GET /api/v1/users": ("cursor",),
    "POST /api/v1/products": ("imageIds",),
    "PATCH /api/v1/products/{id}": ("imageIds",),
    "POST /api/v1/auth/verify-email": ("token",),
    "POST /api/v1/auth/reset-password": ("token",),
    "POST /api/v1/webhooks/stripe": None,
    "POST /api/v1/media": ("file",),
    "GET /api/v1/media": ("cursor",),
    "GET /api/v1/posts": ("cursor",),
    "GET /api/v1/posts/{id}/comments": ("cursor",),
    "POST /api/v1/posts": ("coverImageId",),
    "PATCH /api/v1/posts/{id}": ("coverImageId",),
}


# A product that orders name is deactivated by DELETE, not removed (docs/api.md, Catalog).
RETIRED_NOT_REMOVED = "/api/v1/products/{id}"


def fuzz_settings(tmp_path: Path, database_url: str) -> Settings:
    """The one place that builds the fuzzed app's settings: the HTTP rate limiter off, so
    the fuzzer's bursts are answered rather than limited (the callers' logins precede them)."""
    return msgspec.structs.replace(make_settings(tmp_path, database_url), rate_limit_enabled=False)


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


def accepted_unless_naming_the_unknown(
    ctx: CheckContext, response: Response, case: Case
) -> bool | None:
    """`positive_data_acceptance`, except that a 400 naming only the field that refers to
    something unknown (REFERS_TO_UNKNOWN) is the documented answer."""
    fields = REFERS_TO_UNKNOWN[case.operation.label]
    if response.status_code == 400:
        errors = json.loads(response.content).get("errors")
        named = [str(e["field"]) for e in errors or []]
        if fields is None and errors is None:
            return True
        if fields and named and all(n.startswith(fields) for n in named):
            return True
    return positive_data_acceptance(ctx, response, case)


def gone_unless_kept_as_retired(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """`use_after_free`, except for a product that orders name: DELETE /products/{id} keeps
    it, deactivated, so order lines keep pointing at it (docs/api.md), and staff still read
    and edit it. Only an answer showing it inactive passes."""
    if case.path.startswith(RETIRED_NOT_REMOVED) and 200 <= response.status_code < 300:
        body = json.loads(response.content or b"null")
        if isinstance(body, dict) and body.get("active") is False:
            return True
    return use_after_free(ctx, response, case)


def _checks(case: Case) -> dict[str, Any]:
    """The checks beyond schemathesis' own for this case, and the ones narrowed in their
    place."""
    narrowed = case.operation.label in REFERS_TO_UNKNOWN
    return {
        "additional_checks": [error_body_conformance, gone_unless_kept_as_retired]
        + ([accepted_unless_naming_the_unknown] if narrowed else []),
        "excluded_checks": [use_after_free] + ([positive_data_acceptance] if narrowed else []),
    }


def _sendable(case: Case) -> None:
    """Skip a case whose headers the HTTP client refuses to send (`requests` won't send a
    value opening with whitespace such as U+0085, which the schema rightly allows)."""
    hypothesis.assume(is_valid_header(case.headers or {}))


def _copy_database(source: Path, target: Path) -> None:
    """Copy a live SQLite database onto another with SQLite's backup API: connections open on
    the target (the app's pool) see the copy in their next transaction."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


@dataclass
class Caller:
    """One caller's app (on its own database), the headers it sends and real resources."""

    app: Any
    headers: dict[str, str]
    database: Path
    seeded: Path  # the database as seeded, for `restore`
    ids: dict[str, list[str]] = field(default_factory=dict)

    def restore(self) -> None:
        """Put the database back as it was seeded (users, tokens and resources alike)."""
        _copy_database(self.seeded, self.database)

    def aim_at_real_resource(self, case: Case) -> None:
        """Point about half of the valid cases at resources that exist.

        Random UUIDs only ever reach the 404 branch. The choice hashes the generated value,
        so a failing example replays identically while Hypothesis shrinks it.
        """
        if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
            return
        for prefix, ids in self.ids.items():
            if prefix not in case.path:
                continue
            for name, value in (case.path_parameters or {}).items():
                pick = zlib.crc32(str(value).encode()) % (2 * len(ids))
                if pick < len(ids):
                    case.path_parameters[name] = ids[pick]  # type: ignore[index]

    def validate(self, case: Case) -> None:
        """Send the case as this caller and run every check on the answer."""
        _sendable(case)
        self.aim_at_real_resource(case)
        case.call_and_validate(headers=self.headers, app=self.app, **_checks(case))


def _seed_users(settings: Settings) -> None:
    """An admin and a customer, through a container of its own (closed before the app)."""
    container = make_container(settings, RecordingMailer())

    async def create() -> None:
        for email, role in ((ADMIN, Role.ADMIN), (CUSTOMER, Role.CUSTOMER)):
            command = CreateUserCommand(email=email, password=PASSWORD, role=role)
            await container.accounts.create_user()(Actor.system(), command)
        await container.core.engine().dispose()

    run_in_fresh_loop(create)


def _seed_shop(client: Any) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    """Sign both users in; add products and orders in each interesting state, over HTTP.

    Returns each user's headers and the ids of the resources, by path prefix."""

    def call(method: str, path: str, status: int, **kwargs: Any) -> Any:
        response = client.request(method, f"http://{asgi.HOST}{API_PREFIX}{path}", **kwargs)
        assert response.status_code == status, response.text
        return response.json()

    def login(email: str) -> dict[str, str]:
        body = {"email": email, "password": PASSWORD}
        return bearer(call("POST", "/auth/login", 200, json=body)["accessToken"])

    admin, customer = login(ADMIN), login(CUSTOMER)
    product = {"name": "Mug", "priceCents": 1500, "stock": 100}
    products = [call("POST", "/products", 201, json=product, headers=admin)["id"] for _ in "ab"]
    items = {"items": [{"productId": products[0], "quantity": 1}]}
    orders = [call("POST", "/orders", 201, json=items, headers=customer)["id"] for _ in "ab"]
    intents = [
        call("POST", f"/orders/{order}/payment", 201, headers=customer)["paymentIntentId"]
        for order in orders
    ]
    call("POST", f"/sandbox/payments/{intents[1]}/succeed", 200)
    ids = {
        "/users/": [call("GET", "/me", 200, headers=customer)["id"]],
        "/products/": products,
        "/orders/": orders,  # the first pending, the second paid
        "/sandbox/payments/": intents,
    }
    return {ADMIN: admin, CUSTOMER: customer}, ids


def _open_caller(tmp: Path, template: Path, who: str) -> Caller:
    """A caller on a fresh copy of the migrated database, signed in, with a seeded shop."""
    database = copy_sqlite_database(template, tmp / "fuzz.db")
    settings = fuzz_settings(tmp, sqlite_url(database))
    _seed_users(settings)
    app = create_app(make_container(settings, RecordingMailer()))
    users, ids = _seed_shop(asgi.get_client(app))
    _copy_database(database, tmp / "seeded.db")
    login = LOGINS[who]
    headers = users[login] if login else {}
    return Caller(app=app, headers=headers, database=database, seeded=tmp / "seeded.db", ids=ids)


@pytest.fixture(scope="module", params=list(LOGINS))
def caller(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path
) -> Iterator[Caller]:
    """One caller on its own migrated SQLite copy and app."""
    tmp = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    yield _open_caller(tmp, migrated_sqlite, request.param)
    asgi.shutdown_lifespans()


def _placeholder_app() -> Any:
    """The app whose document is served at /schema/openapi.json, never started (tests are
    generated at collection time); each test sends its cases to its caller's app."""
    settings = fuzz_settings(Path(tempfile.gettempdir()) / "hexashop-fuzz", "sqlite+aiosqlite://")
    return create_app(make_container(settings, RecordingMailer()))


_PLACEHOLDER = _placeholder_app()
schema = schemathesis.openapi.from_dict(_PLACEHOLDER.openapi_schema.to_schema())
schema.app = _PLACEHOLDER
schema.config.seed = SEED
schema.config.checks.update(included_check_names=["all"])
schema.config.generation.update(max_examples=MAX_EXAMPLES)


@schema.parametrize()
def test_every_operation_keeps_the_contract(case: Case, caller: Caller) -> None:
    """Examples, coverage and fuzzing: documented answers only, for every caller."""
    caller.validate(case)


def test_linked_operations_keep_the_contract(caller: Caller) -> None:
    """Stateful: chains of operations linked by the ids they return keep the contract."""

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # The shop as seeded for every scenario: a replayed one must meet the same answers.
            caller.restore()

        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            _sendable(case)
            # A case generated without the caller's `Authorization` is sent with it: the case
            # gets it too, so the checks judge the request as sent (not a missing header).
            case.headers = {**caller.headers, **(case.headers or {})}
            return {"headers": caller.headers, "app": caller.app}

        def validate_response(self, response: Any, case: Case, **kwargs: Any) -> None:
            case.validate_response(
                response,
                **_checks(case),
                transport_kwargs=kwargs,
                recorder=getattr(self, "recorder", None),
            )

    Machine.run(
        settings=hypothesis.settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
