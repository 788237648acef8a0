"""Security headers on every kind of response, and docs pages that need nothing but this server."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from entrypoints.containers import Container
from entrypoints.http.app import create_app
from entrypoints.http.security_headers import SecurityHeaders
from tests.integration.conftest import (
    API,
    PASSWORD,
    Client,
    UserMaker,
    bearer,
    make_container,
    make_settings,
)
from tests.support.databases import copy_sqlite_database, sqlite_url
from tests.support.fakes import RecordingMailer

ALWAYS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
API_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=63072000; includeSubDomains"
ORIGIN = "https://shop.example"

Call = Callable[[Client], Awaitable[Any]]


def assert_secured(response: Any, csp: str | None = API_CSP) -> None:
    """The headers every response carries, each exactly once, and no software banner."""
    for name, value in ALWAYS.items():
        assert response.headers.get_list(name) == [value], name
    if csp is not None:
        assert response.headers.get_list("content-security-policy") == [csp]
    assert "server" not in response.headers
    assert "strict-transport-security" not in response.headers


def docs_csp(response: Any) -> dict[str, str]:
    """The docs page's CSP as directive -> sources."""
    [policy] = response.headers.get_list("content-security-policy")
    return dict(d.strip().split(" ", 1) for d in policy.split(";"))


async def _explode(*args: object) -> None:
    raise RuntimeError("forced failure")


# One request per kind of response: (expected status, the request).
RESPONSES: dict[str, tuple[int, Call]] = {
    "200": (200, lambda c: c.get("/health/live")),
    "201 register": (
        201,
        lambda c: c.post(
            f"{API}/auth/register", json={"email": "n@example.com", "password": PASSWORD}
        ),
    ),
    "204 logout": (204, lambda c: c.post(f"{API}/auth/logout", json={"refreshToken": "x"})),
    "400": (
        400,
        lambda c: c.post(
            f"{API}/auth/login", content=b"{nope", headers={"content-type": "application/json"}
        ),
    ),
    "401": (401, lambda c: c.get(f"{API}/me")),
    "404": (404, lambda c: c.get("/no/such/route")),
    "405": (405, lambda c: c.delete("/health/live")),
    "415": (
        415,
        lambda c: c.post(
            f"{API}/auth/login", content=b"email=a", headers={"content-type": "text/plain"}
        ),
    ),
    "500": (500, lambda c: c.post(f"{API}/auth/forgot-password", json={"email": "a@example.com"})),
}


@pytest.mark.parametrize("kind", RESPONSES)
async def test_every_kind_of_response_carries_the_security_headers(
    client: Client, container: Container, kind: str
) -> None:
    container.accounts.forgot_password.override(providers.Object(_explode))
    status, call = RESPONSES[kind]

    response = await call(client)

    assert response.status_code == status, response.text
    assert_secured(response)


async def test_token_responses_are_not_stored(client: Client, make_user: UserMaker) -> None:
    await make_user("ana@example.com")
    credentials = {"email": "ana@example.com", "password": PASSWORD}

    login = await client.post(f"{API}/auth/login", json=credentials)
    refresh = await client.post(
        f"{API}/auth/refresh", json={"refreshToken": login.json()["refreshToken"]}
    )
    register = await client.post(
        f"{API}/auth/register", json={"email": "new@example.com", "password": PASSWORD}
    )
    failed_login = await client.post(f"{API}/auth/login", json={**credentials, "password": "x"})

    for response, status in ((login, 200), (refresh, 200), (register, 201), (failed_login, 401)):
        assert response.status_code == status, response.text
        assert response.headers.get_list("cache-control") == ["no-store"]
        assert_secured(response)


async def test_authenticated_responses_are_not_stored(client: Client, customer_token: str) -> None:
    me = await client.get(f"{API}/me", headers=bearer(customer_token))
    forged = await client.get(f"{API}/me", headers=bearer("forged.token.value"))
    products = await client.get(f"{API}/products", headers=bearer(customer_token))

    for response, status in ((me, 200), (forged, 401), (products, 200)):
        assert response.status_code == status
        assert response.headers.get_list("cache-control") == ["no-store"]


async def test_anonymous_public_responses_stay_cacheable(client: Client) -> None:
    response = await client.get(f"{API}/products")

    assert response.status_code == 200
    assert "cache-control" not in response.headers
    assert_secured(response)


async def test_a_handlers_own_headers_are_kept_not_duplicated(
    client: Client, customer_token: str
) -> None:
    # The docs assets set their own Cache-Control; a token on the request must not add another.
    response = await client.get("/schema/assets/init.js", headers=bearer(customer_token))

    assert response.status_code == 200
    assert response.headers.get_list("cache-control") == ["public, max-age=3600"]


def test_headers_already_set_in_any_case_are_not_added_again() -> None:
    headers = [(b"X-Frame-Options", b"SAMEORIGIN"), (b"Cache-Control", b"private")]
    scope = {"path": f"{API}/me", "headers": [(b"authorization", b"Bearer t")]}

    SecurityHeaders(production=True).add_to(scope, headers)

    names = [name.lower() for name, _ in headers]
    assert len(names) == len(set(names))
    assert (b"X-Frame-Options", b"SAMEORIGIN") in headers
    assert (b"Cache-Control", b"private") in headers
    assert (b"strict-transport-security", HSTS.encode()) in headers


@pytest.fixture
def build_client(tmp_path: Path, migrated_sqlite: Path) -> Callable[..., AsyncIterator[Client]]:
    """A client on an app built from test settings changed by keyword."""

    async def build(**changes: Any) -> AsyncIterator[Client]:
        database = copy_sqlite_database(migrated_sqlite, tmp_path / "other.db")
        settings = msgspec.structs.replace(make_settings(tmp_path, sqlite_url(database)), **changes)
        async with AsyncTestClient(
            app=create_app(make_container(settings, RecordingMailer()))
        ) as c:
            yield c

    return build


async def test_production_adds_strict_transport_security(
    build_client: Callable[..., AsyncIterator[Client]],
) -> None:
    async for client in build_client(app_env="production"):
        for response in (
            await client.get("/health/live"),
            await client.get("/no/such/route"),
            await client.get("/schema"),
        ):
            assert response.headers.get_list("strict-transport-security") == [HSTS]
            assert response.headers["x-frame-options"] == "DENY"


async def test_security_headers_can_be_switched_off_for_benchmarks_only_explicitly(
    build_client: Callable[..., AsyncIterator[Client]],
) -> None:
    async for client in build_client(security_headers_enabled=False):
        response = await client.get("/health/live")
        assert "x-frame-options" not in response.headers
        assert "content-security-policy" not in response.headers
        # The request id is not a security header: it stays.
        assert response.headers["x-request-id"]


async def test_cors_preflight_and_cors_responses_carry_the_security_headers(
    build_client: Callable[..., AsyncIterator[Client]],
) -> None:
    async for client in build_client(cors_origins=(ORIGIN,)):
        preflight = await client.options(
            f"{API}/auth/login",
            headers={
                "Origin": ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        simple = await client.get(f"{API}/products", headers={"Origin": ORIGIN})

        assert preflight.status_code in (200, 204), preflight.text
        assert preflight.headers["access-control-allow-origin"] == ORIGIN
        assert simple.headers["access-control-allow-origin"] == ORIGIN
        for response in (preflight, simple):
            assert_secured(response)


# --- the docs ----------------------------------------------------------------------------------

DOCS_PAGES = ("/schema", "/schema/", "/api-docs", "/schema/openapi.json")


@pytest.mark.parametrize("path", DOCS_PAGES)
async def test_docs_pages_carry_their_own_policy(client: Client, path: str) -> None:
    response = await client.get(path, follow_redirects=False)

    assert response.status_code in (200, 302)
    assert_secured(response, csp=None)
    policy = docs_csp(response)
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    for directive in ("script-src", "style-src", "connect-src"):
        assert policy[directive] == "'self'", directive
    assert "unsafe" not in response.headers["content-security-policy"]


async def test_docs_page_loads_everything_from_this_server(client: Client) -> None:
    page = await client.get("/schema")

    # No inline script or style (the CSP forbids them) and no address on another host.
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)
    assert "<style" not in page.text
    assert "//" not in re.sub(r"<!DOCTYPE[^>]*>", "", page.text)
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert {u.rsplit("/", 1)[1] for u in urls} >= {
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "init.js",
        "swagger-ui.css",
    }
    for url in urls:
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert asset.content, url
        assert asset.headers["content-type"].split(";")[0] in (
            "text/javascript",
            "text/css",
            "image/png",
        )


async def test_only_the_docs_own_assets_are_served(client: Client) -> None:
    for name in ("swagger-editor-bundle.js", "LICENSE", "..%2Fdocs.py", "oauth2-redirect.html"):
        response = await client.get(f"/schema/assets/{name}")

        assert response.status_code == 404, name
