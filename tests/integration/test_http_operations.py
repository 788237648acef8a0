"""Health probes and the published API documentation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from adapters.memory.storage import MemoryObjectStorage
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.integration.conftest import Client, make_container, make_settings
from tests.support.databases import copy_sqlite_database, sqlite_url
from tests.support.fakes import RecordingMailer
from tests.support.moto_server import moto_endpoint, s3_bucket  # noqa: F401

# Every Accounts row of docs/api.md: path under /api/v1 -> methods.
ACCOUNTS_OPERATIONS = {
    "/auth/register": {"post"},
    "/auth/verify-email": {"post"},
    "/auth/resend-verification": {"post"},
    "/auth/login": {"post"},
    "/auth/refresh": {"post"},
    "/auth/logout": {"post"},
    "/auth/forgot-password": {"post"},
    "/auth/reset-password": {"post"},
    "/me": {"get", "patch"},
    "/me/password": {"post"},
    "/users": {"get", "post"},
    "/users/{id}": {"get", "put", "patch", "delete"},
}

# Every Catalog and Orders-and-payments row of docs/api.md (sandbox provider configured).
COMMERCE_OPERATIONS = {
    "/products": {"get", "post"},
    "/products/{id}": {"get", "patch", "delete"},
    "/products/{id}/stock": {"post"},
    "/orders": {"get", "post"},
    "/orders/{id}": {"get"},
    "/orders/{id}/cancel": {"post"},
    "/orders/{id}/payment": {"post"},
    "/orders/{id}/ship": {"post"},
    "/orders/{id}/refund": {"post"},
    "/webhooks/stripe": {"post"},
    "/sandbox/payments/{paymentIntentId}/succeed": {"post"},
    "/sandbox/payments/{paymentIntentId}/fail": {"post"},
    # Blog
    "/posts": {"get", "post"},
    "/posts/feed.xml": {"get"},
    # GET /posts/{slug} and PATCH/DELETE /posts/{id}: one route, so one path template.
    "/posts/{id}": {"get", "patch", "delete"},
    "/posts/{id}/comments": {"get", "post"},
    "/comments/{id}": {"delete"},
    "/tags": {"get"},
}

# The error statuses each operation can answer, beyond 500/503 which every one lists.
EXPECTED_ERRORS = {
    ("post", "/counters/{name}/hits"): {400, 401, 403, 429},
    ("get", "/counters/{name}"): {400, 401, 403, 404},
    ("get", "/counters/{name}/badge.svg"): {400, 401, 403},
    ("get", "/counters"): {400, 401, 403},
    ("post", "/auth/register"): {400, 409, 413, 415},
    ("post", "/auth/verify-email"): {400, 413, 415},
    ("post", "/auth/resend-verification"): {400, 413, 415},
    ("post", "/auth/login"): {400, 401, 403, 413, 415, 429},
    ("post", "/auth/refresh"): {400, 401, 413, 415},
    ("post", "/auth/logout"): {400, 413, 415},
    ("post", "/auth/forgot-password"): {400, 413, 415},
    ("post", "/auth/reset-password"): {400, 413, 415},
    ("get", "/me"): {401},
    ("patch", "/me"): {400, 401, 413, 415},
    ("post", "/me/password"): {400, 401, 413, 415},
    ("get", "/users"): {400, 401, 403},
    ("post", "/users"): {400, 401, 403, 409, 413, 415},
    ("get", "/users/{id}"): {400, 401, 403, 404},
    ("put", "/users/{id}"): {400, 401, 403, 404, 409, 413, 415},
    ("patch", "/users/{id}"): {400, 401, 403, 404, 409, 413, 415},
    ("delete", "/users/{id}"): {400, 401, 403, 404, 409},
    ("get", "/products"): {400, 401},
    ("get", "/products/{id}"): {400, 401, 404},
    ("post", "/products"): {400, 401, 403, 413, 415},
    ("patch", "/products/{id}"): {400, 401, 403, 404, 413, 415},
    ("post", "/products/{id}/stock"): {400, 401, 403, 404, 409, 413, 415},
    ("delete", "/products/{id}"): {400, 401, 403, 404},
    ("post", "/orders"): {400, 401, 409, 413, 415, 422},
    ("get", "/orders"): {400, 401},
    ("get", "/orders/{id}"): {400, 401, 404},
    ("post", "/orders/{id}/cancel"): {400, 401, 404, 409},
    ("post", "/orders/{id}/payment"): {400, 401, 404, 409},
    ("post", "/orders/{id}/ship"): {400, 401, 403, 404, 409},
    ("post", "/orders/{id}/refund"): {400, 401, 403, 404, 409},
    ("post", "/webhooks/stripe"): {400, 413},
    ("post", "/sandbox/payments/{paymentIntentId}/succeed"): {400, 404},
    ("post", "/sandbox/payments/{paymentIntentId}/fail"): {400, 404},
    ("post", "/media"): {400, 401, 413},
    ("get", "/media"): {400, 401},
    ("get", "/media/{id}"): {400, 401, 404, 416},
    ("get", "/media/{id}/info"): {400, 401, 404},
    ("delete", "/media/{id}"): {400, 401, 404, 409},
    ("get", "/posts"): {400, 401, 403},
    ("get", "/posts/feed.xml"): {400},
    ("get", "/posts/{id}"): {400, 401, 404},
    ("post", "/posts"): {400, 401, 403, 409, 413, 415},
    ("patch", "/posts/{id}"): {400, 401, 403, 404, 409, 412, 413, 415},
    ("delete", "/posts/{id}"): {400, 401, 403, 404},
    ("get", "/posts/{id}/comments"): {400, 404},
    ("post", "/posts/{id}/comments"): {400, 401, 403, 404, 413, 415, 429},
    ("delete", "/comments/{id}"): {400, 401, 403, 404},
    ("get", "/tags"): {400},
}

BEARER_ONLY: list[dict[str, list[str]]] = [{"BearerToken": []}]
# Browsing the catalog works anonymously; a token shows staff the inactive products.
OPTIONAL_BEARER: list[dict[str, list[str]]] = [{}, {"BearerToken": []}]


def expected_security(method: str, path: str) -> list[dict[str, list[str]]] | None:
    """The security requirement an operation must declare (None: public)."""
    if path.startswith("/api/v1/products"):
        return OPTIONAL_BEARER if method == "get" else BEARER_ONLY
    if path.startswith("/api/v1/media"):
        # A file an active product shows is anyone's to fetch; the list is one's own.
        return OPTIONAL_BEARER if method == "get" and path != "/api/v1/media" else BEARER_ONLY
    if path.startswith("/api/v1/posts") or path == "/api/v1/comments/{id}":
        # Reading is public; signed in, authors and staff also see drafts. Comments and the
        # feed show published posts only, whoever asks.
        if method != "get":
            return BEARER_ONLY
        public = path.endswith(("/comments", "/feed.xml"))
        return None if public else OPTIONAL_BEARER
    if path.startswith(("/api/v1/me", "/api/v1/users", "/api/v1/orders")):
        return BEARER_ONLY
    if path == "/api/v1/counters":
        return BEARER_ONLY  # the admins' list
    if path.endswith("/badge.svg"):
        # An <img> can't send headers: the badge also takes the key as ?key=.
        return [{"ApiKey": []}, {"ApiKeyQuery": []}]
    if path.startswith("/api/v1/counters/"):
        return [{"ApiKey": []}]
    return None


@pytest.fixture
async def schema(client: Client) -> dict[str, Any]:
    """The published OpenAPI document."""
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


async def test_liveness_is_ok(client: Client) -> None:
    response = await client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readiness_is_ok_when_database_mail_and_storage_answer(client: Client) -> None:
    response = await client.get("/health/ready")

    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "mail": "ok", "storage": "ok"},
        "circuits": {"mail": "closed"},
    }


async def test_readiness_is_503_naming_mail_when_mail_is_down(
    client: Client, mailer: RecordingMailer
) -> None:
    mailer.down = True

    response = await client.get("/health/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "ok", "mail": "unavailable", "storage": "ok"}
    assert (body["error"], body["statusCode"]) == ("ServiceUnavailable", 503)
    assert body["requestId"] == response.headers["X-Request-ID"]


async def test_readiness_is_503_naming_the_database_when_it_is_unreachable(
    tmp_path: Path,
) -> None:
    # Port 9 (discard) is closed on any sane test host: connecting is refused at once.
    settings = make_settings(tmp_path, "postgresql+asyncpg://nobody@127.0.0.1:9/none")
    container = make_container(settings, RecordingMailer())

    async with AsyncTestClient(app=create_app(container)) as client:
        response = await client.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "unavailable", "mail": "ok", "storage": "ok"}
    assert "127.0.0.1" not in response.text


async def test_readiness_is_503_naming_storage_when_it_is_down(
    client: Client, container: Container
) -> None:
    storage = MemoryObjectStorage()
    storage.down = True
    container.core.storage.override(providers.Object(storage))

    response = await client.get("/health/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["checks"] == {"database": "ok", "mail": "ok", "storage": "unavailable"}
    assert body["message"].endswith(": storage")


async def test_readiness_is_503_when_the_local_media_folder_cannot_be_written(
    tmp_path: Path, migrated_sqlite: Path
) -> None:
    (tmp_path / "a-file").write_text("")
    database = copy_sqlite_database(migrated_sqlite, tmp_path / "hexashop.db")
    settings = msgspec.structs.replace(
        make_settings(tmp_path, sqlite_url(database)), media_dir=str(tmp_path / "a-file" / "m")
    )

    async with AsyncTestClient(app=create_app(make_container(settings, RecordingMailer()))) as c:
        response = await c.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "unavailable"


@pytest.mark.moto
async def test_readiness_checks_the_s3_bucket(
    tmp_path: Path,
    migrated_sqlite: Path,
    moto_endpoint: str,  # noqa: F811
    s3_bucket: str,  # noqa: F811
) -> None:
    database = copy_sqlite_database(migrated_sqlite, tmp_path / "hexashop.db")
    base = make_settings(tmp_path, sqlite_url(database))
    states = []
    for endpoint in (moto_endpoint, "http://127.0.0.1:9"):
        settings = msgspec.structs.replace(
            base, storage_backend="s3", s3_bucket=s3_bucket, aws_endpoint_url=endpoint
        )
        container = make_container(settings, RecordingMailer())
        async with AsyncTestClient(app=create_app(container)) as c:
            response = await c.get("/health/ready")
        states.append((response.status_code, response.json()["checks"]["storage"]))
        assert "127.0.0.1" not in response.text

    assert states == [(200, "ok"), (503, "unavailable")]


async def test_every_accounts_and_commerce_operation_is_documented(
    schema: dict[str, Any],
) -> None:
    paths = schema["paths"]

    for path, methods in {**ACCOUNTS_OPERATIONS, **COMMERCE_OPERATIONS}.items():
        assert f"/api/v1{path}" in paths, path
        assert methods <= set(paths[f"/api/v1{path}"]), path


async def test_every_operation_documents_its_error_statuses(schema: dict[str, Any]) -> None:
    for (method, path), statuses in EXPECTED_ERRORS.items():
        documented = {int(code) for code in schema["paths"][f"/api/v1{path}"][method]["responses"]}

        missing = (statuses | {500, 503}) - documented
        assert not missing, f"{method.upper()} {path} does not document {sorted(missing)}"


async def test_every_api_operation_documents_the_error_body(schema: dict[str, Any]) -> None:
    for path, item in schema["paths"].items():
        if not path.startswith("/api/v1"):
            continue
        for method, operation in item.items():
            for code, response in operation["responses"].items():
                if int(code) >= 400:
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorBody"), (method, path, code)
            assert operation.get("summary"), (method, path)
            assert operation.get("tags"), (method, path)


async def test_protected_operations_require_the_bearer_scheme(schema: dict[str, Any]) -> None:
    scheme = schema["components"]["securitySchemes"]["BearerToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")

    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation.get("security") == expected_security(method, path), (method, path)


async def test_place_order_documents_the_idempotency_key_header(schema: dict[str, Any]) -> None:
    parameters = schema["paths"]["/api/v1/orders"]["post"]["parameters"]

    header = next(p for p in parameters if p["name"] == "Idempotency-Key")
    assert header["in"] == "header"
    assert header["required"] is False


async def test_stripe_webhook_documents_the_signature_header(schema: dict[str, Any]) -> None:
    parameters = schema["paths"]["/api/v1/webhooks/stripe"]["post"]["parameters"]

    header = next(p for p in parameters if p["name"] == "Stripe-Signature")
    assert header["in"] == "header"


async def test_commerce_operations_are_tagged_by_resource(schema: dict[str, Any]) -> None:
    paths = schema["paths"]

    assert paths["/api/v1/products"]["get"]["tags"] == ["products"]
    assert paths["/api/v1/orders/{id}/payment"]["post"]["tags"] == ["orders"]
    assert paths["/api/v1/webhooks/stripe"]["post"]["tags"] == ["webhooks"]
    assert paths["/api/v1/sandbox/payments/{paymentIntentId}/succeed"]["post"]["tags"] == [
        "sandbox"
    ]


async def test_health_probes_are_documented_at_the_root(schema: dict[str, Any]) -> None:
    assert "get" in schema["paths"]["/health/live"]
    assert "503" in schema["paths"]["/health/ready"]["get"]["responses"]


async def test_interactive_docs_are_served_at_schema_and_api_docs(client: Client) -> None:
    docs = await client.get("/schema")
    redirect = await client.get("/api-docs", follow_redirects=False)

    assert docs.status_code == 200
    assert "text/html" in docs.headers["content-type"]
    assert redirect.status_code in (301, 302, 307, 308)
    assert redirect.headers["location"] == "/schema"


async def test_cors_preflight_is_answered_for_configured_origins(tmp_path: Path) -> None:
    settings = msgspec.structs.replace(
        make_settings(tmp_path, f"sqlite+aiosqlite:///{tmp_path}/cors.db"),
        cors_origins=("https://shop.example.com",),
    )
    app = create_app(make_container(settings, RecordingMailer()))

    async with AsyncTestClient(app=app) as client:
        response = await client.options(
            "/api/v1/auth/login",
            headers={
                "Origin": "https://shop.example.com",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        simple = await client.get("/health/live", headers={"Origin": "https://shop.example.com"})

    assert response.status_code in (200, 204)
    assert response.headers["access-control-allow-origin"] == "https://shop.example.com"
    assert simple.headers["access-control-allow-origin"] == "https://shop.example.com"
    assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()


async def test_no_cors_headers_without_configured_origins(client: Client) -> None:
    response = await client.get("/health/live", headers={"Origin": "https://evil.example.com"})

    assert "access-control-allow-origin" not in response.headers


async def test_startup_and_shutdown_hooks_run(container: Container) -> None:
    events: list[str] = []

    async def started() -> None:
        events.append("started")

    async def stopping() -> None:
        events.append("stopping")

    app = create_app(container, on_startup=[started], on_shutdown=[stopping])
    async with AsyncTestClient(app=app) as client:
        await client.get("/health/ready")
        assert events == ["started"]

    assert events == ["started", "stopping"]
