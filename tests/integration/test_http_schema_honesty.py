"""What the OpenAPI schema promises is what the server enforces (bounds, enums, formats),
on SQLite and on Postgres; found by fuzzing as every caller (see test_openapi_fuzz.py)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from litestar.testing import AsyncTestClient

from application.accounts.commands import CreateUserCommand
from application.shared.actor import Actor
from domain.accounts import Role
from entrypoints.http.app import create_app
from tests.integration.conftest import (
    API,
    PASSWORD,
    Client,
    assert_error_body,
    bearer,
    make_container,
    make_settings,
)
from tests.support.databases import copy_sqlite_database, sqlite_url, truncate_all
from tests.support.fakes import RecordingMailer

HUGE = 10**30


@pytest.fixture(params=["sqlite", "postgres"])
async def shop(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_sqlite: Path
) -> AsyncIterator[tuple[Client, str]]:
    """The app on a fresh SQLite copy or the session's emptied Postgres database, and an
    admin's access token."""
    if request.param == "sqlite":
        url = sqlite_url(copy_sqlite_database(migrated_sqlite, tmp_path / "hexashop.db"))
    else:
        url = request.getfixturevalue("migrated_postgres_url")
        await truncate_all(url)
    container = make_container(make_settings(tmp_path, url), RecordingMailer())
    async with AsyncTestClient(app=create_app(container)) as client:
        command = CreateUserCommand(email="admin@example.com", password=PASSWORD, role=Role.ADMIN)
        await container.accounts.create_user()(Actor.system(), command)
        login = await client.post(
            f"{API}/auth/login", json={"email": "admin@example.com", "password": PASSWORD}
        )
        yield client, login.json()["accessToken"]


@pytest.mark.parametrize("path", ["/products", "/orders", "/users"])
@pytest.mark.parametrize("page", [100_001, HUGE])
async def test_a_page_beyond_the_last_allowed_is_a_400_on_page(
    shop: tuple[Client, str], path: str, page: int
) -> None:
    client, token = shop

    response = await client.get(f"{API}{path}?page={page}&limit=100", headers=bearer(token))

    body = assert_error_body(response, 400, "BadRequest")
    assert [e["field"] for e in body["errors"]] == ["page"]


@pytest.mark.parametrize("path", ["/products", "/orders", "/users"])
async def test_the_last_allowed_page_is_empty_not_an_error(
    shop: tuple[Client, str], path: str
) -> None:
    client, token = shop

    response = await client.get(f"{API}{path}?page=100000&limit=100", headers=bearer(token))

    assert response.status_code == 200, response.text
    assert response.json()["data"] == []


@pytest.mark.parametrize(
    "query", [f"minPrice={HUGE}", f"maxPrice={HUGE}", f"minPrice={-HUGE}", f"limit={HUGE}"]
)
async def test_huge_list_filters_are_400s(shop: tuple[Client, str], query: str) -> None:
    client, _ = shop

    response = await client.get(f"{API}/products?{query}")

    assert_error_body(response, 400, "BadRequest")


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/products", {"name": "Mug", "priceCents": HUGE, "stock": 1}, "priceCents"),
        ("POST", "/products", {"name": "Mug", "priceCents": -HUGE, "stock": 1}, "priceCents"),
        ("POST", "/products", {"name": "Mug", "priceCents": 100, "stock": HUGE}, "stock"),
        ("POST", "/products", {"name": "Mug", "priceCents": 100, "stock": -HUGE}, "stock"),
        ("PATCH", "/products/{id}", {"priceCents": HUGE}, "priceCents"),
        ("POST", "/products/{id}/stock", {"delta": HUGE}, "delta"),
        ("POST", "/products/{id}/stock", {"delta": -HUGE}, "delta"),
        ("POST", "/orders", {"items": [{"productId": "{id}", "quantity": HUGE}]}, "quantity"),
        ("POST", "/orders", {"items": [{"productId": "{id}", "quantity": -HUGE}]}, "quantity"),
    ],
)
async def test_huge_integers_in_bodies_are_400s_naming_the_field(
    shop: tuple[Client, str], method: str, path: str, body: dict[str, Any], field: str
) -> None:
    client, token = shop
    created = await client.post(
        f"{API}/products",
        json={"name": "Mug", "priceCents": 1500, "stock": 5},
        headers=bearer(token),
    )
    product_id = created.json()["id"]
    raw = re.sub(r"\{id\}", product_id, repr(body).replace("'", '"'))

    response = await client.request(
        method,
        f"{API}{path.replace('{id}', product_id)}",
        content=raw.encode(),
        headers={**bearer(token), "Content-Type": "application/json"},
    )

    errors = assert_error_body(response, 400, "BadRequest")["errors"]
    assert any(e["field"].endswith(field) for e in errors), errors


async def _schema(client: Client) -> dict[str, Any]:
    return dict((await client.get("/schema/openapi.json")).json())


def _query_schema(schema: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    parameters = schema["paths"][API + path]["get"]["parameters"]
    return next(p["schema"] for p in parameters if p["name"] == name)


async def test_paging_and_sort_values_are_documented_as_enforced(client: Client) -> None:
    schema = await _schema(client)

    for path, fields in {
        "/products": ["name", "priceCents", "createdAt"],
        "/orders": ["createdAt", "totalCents"],
        "/users": ["createdAt", "email", "name"],
    }.items():
        page = _query_schema(schema, path, "page")
        assert (page["minimum"], page["maximum"]) == (1, 100_000), path
        enum = _query_schema(schema, path, "sort")["enum"]
        assert sorted(enum) == sorted([*fields, *(f"-{f}" for f in fields)]), path


@pytest.mark.parametrize("sort", ["", "stock", "--name", "-"])
async def test_a_sort_outside_the_enum_is_a_400(client: Client, sort: str) -> None:
    response = await client.get(f"{API}/products", params={"sort": sort})

    body = assert_error_body(response, 400, "BadRequest")
    assert [e["field"] for e in body["errors"]] == ["sort"]


async def test_an_integral_number_is_an_integer_and_a_fraction_is_not(
    client: Client, editor_token: str
) -> None:
    created = await client.post(
        f"{API}/products",
        json={"name": "Mug", "priceCents": 644.0, "stock": 2.0},
        headers=bearer(editor_token),
    )
    assert created.status_code == 201, created.text
    assert (created.json()["priceCents"], created.json()["stock"]) == (644, 2)

    stock = f"{API}/products/{created.json()['id']}/stock"
    added = await client.post(stock, json={"delta": 3.0}, headers=bearer(editor_token))
    fraction = await client.post(stock, json={"delta": 3.5}, headers=bearer(editor_token))

    assert added.json()["stock"] == 5
    assert assert_error_body(fraction, 400, "BadRequest")["errors"][0]["field"] == "delta"


async def test_patch_stock_is_documented_as_null_only_and_null_is_accepted(
    client: Client, editor_token: str
) -> None:
    schema = await _schema(client)
    assert (
        schema["components"]["schemas"]["PatchProductRequest"]["properties"]["stock"]["type"]
        == "null"
    )
    created = await client.post(
        f"{API}/products",
        json={"name": "Mug", "priceCents": 900, "stock": 4},
        headers=bearer(editor_token),
    )
    url = f"{API}/products/{created.json()['id']}"

    unchanged = await client.patch(url, json={"stock": None}, headers=bearer(editor_token))
    refused = await client.patch(url, json={"stock": 9}, headers=bearer(editor_token))

    assert unchanged.status_code == 200, unchanged.text
    assert unchanged.json()["stock"] == 4
    assert "/stock" in assert_error_body(refused, 400, "BadRequest")["message"]


@pytest.mark.parametrize("path", ["/products", "/products/00000000-0000-0000-0000-000000000000"])
async def test_options_allow_lists_every_method_of_the_path(client: Client, path: str) -> None:
    schema = await _schema(client)
    template = path.replace("00000000-0000-0000-0000-000000000000", "{id}")
    documented = {m.upper() for m in schema["paths"][API + template]}

    response = await client.options(f"{API}{path}")
    assert response.status_code == 204
    assert set(response.headers["allow"].split(", ")) == documented | {"OPTIONS"}


@pytest.mark.parametrize(
    "email", ["Ana <ana@example.com>", "a<b@c.de>", '"ana"@example.com', "ana@example", "a b@c.de"]
)
async def test_an_email_outside_the_documented_pattern_is_refused(
    client: Client, email: str
) -> None:
    schema = await _schema(client)
    pattern = schema["components"]["schemas"]["RegisterRequest"]["properties"]["email"]["pattern"]
    assert re.search(pattern, "ana.b+shop@mail.example.com")
    assert not re.search(pattern, email)

    response = await client.post(
        f"{API}/auth/register", json={"email": email, "password": PASSWORD}
    )

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"] == [{"field": "email", "message": "Invalid email format"}]


async def test_the_password_policy_is_documented_as_a_pattern(client: Client) -> None:
    schema = await _schema(client)
    password = schema["components"]["schemas"]["RegisterRequest"]["properties"]["password"]

    assert (password["minLength"], password["maxLength"]) == (8, 128)
    for weak in ("secret123", "SECRET123", "SecretPass"):
        assert not re.search(password["pattern"], weak), weak
    assert re.search(password["pattern"], "Secret123")
    login = schema["components"]["schemas"]["LoginRequest"]["properties"]
    assert "pattern" not in login["password"] and "pattern" not in login["email"]


def _validator(schema: dict[str, Any], target: dict[str, Any]) -> Draft202012Validator:
    """A validator for `target`, a schema of the published document (its `$ref`s resolved)."""
    return Draft202012Validator({**schema, **target})


async def test_text_anywhere_in_a_body_is_documented_as_free_of_nul_as_the_server_applies_it(
    client: Client, customer_token: str
) -> None:
    schema = await _schema(client)
    login = _validator(schema, {"$ref": "#/components/schemas/LoginRequest"})
    credentials = {"email": "ana@example.com", "password": PASSWORD}
    bodies = {
        "known": {**credentials, "email": "ana@example.com\x00"},
        "unknown": {**credentials, "extra": {"deep": ["a", "b\x00"]}},
        "unknown key": {**credentials, "extra": {"k\x00": 1}},
        "ignored": {**credentials, "extra": {"deep": ["a", 1, None, {"k": True}]}},
    }

    for name, body in bodies.items():
        response = await client.post(f"{API}/auth/login", json=body)

        assert login.is_valid(body) is (name == "ignored"), name
        if name == "ignored":
            assert response.status_code == 200, response.text
        else:
            assert_error_body(response, 400, "BadRequest")


@pytest.mark.parametrize(
    ("field", "value", "accepted"),
    [
        ("name", " \t" + "m" * 200 + "\u3000\n", True),
        ("name", "m" * 201, False),
        ("name", " \u00a0 ", False),
        ("description", "d" * 10_000, True),
        ("description", "d" * 10_001, False),
    ],
)
async def test_product_text_limits_are_documented_as_the_domain_applies_them(
    client: Client, editor_token: str, field: str, value: str, accepted: bool
) -> None:
    schema = await _schema(client)
    create = _validator(schema, {"$ref": "#/components/schemas/CreateProductRequest"})
    body = {"name": "Mug", "priceCents": 900, "stock": 1, field: value}

    response = await client.post(f"{API}/products", json=body, headers=bearer(editor_token))

    assert create.is_valid(body) is accepted
    if accepted:
        assert response.status_code == 201, response.text
    else:
        errors = assert_error_body(response, 400, "BadRequest")["errors"]
        assert [e["field"] for e in errors] == [field]


@pytest.mark.parametrize(
    ("key", "accepted"), [("k" * 255, True), (" " + "k" * 255 + "\t", True), ("k" * 256, False)]
)
async def test_the_idempotency_key_limit_is_documented_as_applied(
    client: Client, customer_token: str, make_product: Any, key: str, accepted: bool
) -> None:
    schema = await _schema(client)
    parameters = schema["paths"][f"{API}/orders"]["post"]["parameters"]
    documented = next(p["schema"] for p in parameters if p["name"] == "Idempotency-Key")
    mug = await make_product("Mug", price_cents=1500)

    response = await client.post(
        f"{API}/orders",
        json={"items": [{"productId": mug["id"], "quantity": 1}]},
        headers={**bearer(customer_token), "Idempotency-Key": key},
    )

    assert Draft202012Validator(documented).is_valid(key) is accepted
    if accepted:
        assert response.status_code == 201, response.text
    else:
        errors = assert_error_body(response, 400, "BadRequest")["errors"]
        assert [e["field"] for e in errors] == ["Idempotency-Key"]


# The blog's cache, validator and redirect headers: the (method, path, status) responses that
# document them, and which.
_CACHE_HEADERS = ("Cache-Control", "ETag", "Vary")
BLOG_HEADERS: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("get", "/posts", "200"): _CACHE_HEADERS,
    ("get", "/posts", "304"): _CACHE_HEADERS,
    ("get", "/posts/{id}", "200"): _CACHE_HEADERS,
    ("get", "/posts/{id}", "304"): _CACHE_HEADERS,
    ("get", "/posts/{id}", "301"): ("Location",),
    ("get", "/tags", "200"): _CACHE_HEADERS,
    ("get", "/tags", "304"): _CACHE_HEADERS,
    ("get", "/posts/feed.xml", "200"): _CACHE_HEADERS,
    ("get", "/posts/feed.xml", "304"): _CACHE_HEADERS,
    ("post", "/posts", "201"): ("ETag",),
    ("patch", "/posts/{id}", "200"): ("ETag",),
}
_TRACKED = {"Cache-Control", "ETag", "Vary", "Location"}
_BLOG_PATHS = ("/posts", "/tags", "/comments")


async def test_the_blog_documents_its_cache_and_redirect_headers_on_exactly_those_responses(
    client: Client,
) -> None:
    schema = await _schema(client)

    documented = {
        (method, path.removeprefix(API), status): tuple(sorted(_TRACKED & set(headers)))
        for path, item in schema["paths"].items()
        if path.removeprefix(API).startswith(_BLOG_PATHS)
        for method, operation in item.items()
        if isinstance(operation, dict)
        for status, response in operation["responses"].items()
        if _TRACKED & set(headers := response.get("headers", {}))
    }

    assert documented == BLOG_HEADERS


async def _blog_answer(client: Client, token: str, method: str, path: str, status: str) -> Any:
    """The real answer of one blog operation with the documented status, on a published post."""
    created = await client.post(
        f"{API}/posts",
        json={"title": "Hello world", "content": "Body", "tags": ["news"], "published": True},
        headers=bearer(token),
    )
    assert created.status_code == 201, created.text
    post = created.json()
    if method == "post":
        return created
    by_id = f"{API}/posts/{post['id']}"
    if method == "patch":
        return await client.patch(by_id, json={"title": "Hello again"}, headers=bearer(token))
    url = API + path.replace("{id}", post["slug"])
    if status == "301":
        moved = await client.patch(by_id, json={"slug": "moved"}, headers=bearer(token))
        assert moved.status_code == 200, moved.text
        return await client.get(url, follow_redirects=False)
    first = await client.get(url)
    if status == "200":
        return first
    return await client.get(url, headers={"If-None-Match": first.headers["etag"]})


@pytest.mark.parametrize(
    "operation", list(BLOG_HEADERS), ids=[" ".join(key) for key in BLOG_HEADERS]
)
async def test_every_header_a_blog_response_documents_is_sent_as_documented(
    client: Client, customer_token: str, operation: tuple[str, str, str]
) -> None:
    method, path, status = operation
    schema = await _schema(client)
    documented = schema["paths"][API + path][method]["responses"][status]["headers"]

    response = await _blog_answer(client, customer_token, method, path, status)

    assert response.status_code == int(status), response.text
    assert set(BLOG_HEADERS[operation]) <= set(documented)
    for name, header in documented.items():
        assert name in response.headers, name
        assert Draft202012Validator(header.get("schema", {})).is_valid(response.headers[name]), name
