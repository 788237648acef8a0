"""Per-caller rate limits on /api/v1 (docs/api.md "Limits and headers on every route")."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any
from uuid import uuid4

import jwt
import msgspec
import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from entrypoints.containers import Container
from entrypoints.http.app import HexashopApp, create_app
from tests.bdd.shared.http import ClientAddress
from tests.integration.conftest import (
    API,
    Client,
    TokenMaker,
    UserMaker,
    assert_error_body,
    bearer,
)
from tests.support.redis import away_from_window_edge, keys_under

ADDRESS = "x-spec-client-address"
Limited = Callable[..., AbstractAsyncContextManager[tuple[Client, HexashopApp]]]


@pytest.fixture
def limited(container: Container) -> Limited:
    """A client of the app with the rate limiter on, with these setting overrides."""

    @asynccontextmanager
    async def open_client(**overrides: Any) -> AsyncIterator[tuple[Client, HexashopApp]]:
        settings = msgspec.structs.replace(
            container.settings(), rate_limit_enabled=True, **overrides
        )
        container.settings.override(providers.Object(settings))
        app = create_app(container)
        assert isinstance(app, HexashopApp)
        away_from_window_edge()
        async with AsyncTestClient(app=ClientAddress(app)) as test_client:  # type: ignore[arg-type]
            yield test_client, app

    return open_client


def _remaining(response: Any) -> int:
    return int(response.headers["RateLimit-Remaining"])


def _claims(user_id: str, expires_in: float) -> dict[str, Any]:
    now = time.time()
    return {
        "sub": user_id,
        "role": "customer",
        "sid": str(uuid4()),
        "typ": "access",
        "iat": now - 60,
        "exp": now + expires_in,
        "iss": "hexashop",
        "jti": uuid4().hex,
    }


async def test_api_responses_carry_decreasing_rate_limit_headers(limited: Limited) -> None:
    async with limited() as (client, _):
        answers = [await client.get(f"{API}/products") for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert {a.headers["RateLimit-Limit"] for a in answers} == {"300"}
    assert [_remaining(a) for a in answers] == [299, 298, 297]
    assert all(0 <= int(a.headers["RateLimit-Reset"]) <= 60 for a in answers)


def _auth_refusals(metrics: str) -> float:
    sample = 'hexashop_rate_limit_refusals_total{policy="auth"} '
    lines = [line for line in metrics.splitlines() if line.startswith(sample)]
    return float(lines[0].removeprefix(sample)) if lines else 0.0


async def test_the_21st_auth_request_in_a_minute_is_refused(limited: Limited) -> None:
    async with limited() as (client, app):
        refusals_before = _auth_refusals((await client.get("/metrics")).text)
        # A burst, as an attacker would send it: exactly the limit gets through.
        stale = {"refreshToken": "x" * 40}
        answers = await asyncio.gather(
            *(client.post(f"{API}/auth/refresh", json=stale) for _ in range(25))
        )
        refused = [a for a in answers if a.status_code == 429]
        products = await client.get(f"{API}/products")
        refusals_after = _auth_refusals((await client.get("/metrics")).text)

    assert len(refused) == 5
    assert {a.status_code for a in answers} == {401, 429}
    for answer in refused:
        assert_error_body(answer, 429, "TooManyRequests")
        assert 1 <= int(answer.headers["Retry-After"]) <= 60
        assert answer.headers["RateLimit-Limit"] == "20"
        assert answer.headers["RateLimit-Remaining"] == "0"
    # The auth policy is its own bucket: other routes are still open to the same caller.
    assert products.status_code == 200
    assert app.rate_limiter is not None
    assert app.rate_limiter.refusals() == {"default": 0, "auth": 5, "counter_hits": 0}
    # The refusals reach the Prometheus export as well (its registry lives as long as the process).
    assert refusals_after - refusals_before == 5


async def test_signed_in_callers_are_counted_per_user(
    limited: Limited, make_user: UserMaker, login: TokenMaker
) -> None:
    await make_user("ana@example.com")
    await make_user("bob@example.com")
    ana, bob = await login("ana@example.com"), await login("bob@example.com")
    async with limited(rate_limit_default="3/minute") as (client, _):
        from_home = {ADDRESS: "203.0.113.1"}
        ana_answers = [
            await client.get(f"{API}/me", headers={**bearer(ana), **from_home}) for _ in range(3)
        ]
        # Two users behind one address have a bucket each...
        bob_at_home = await client.get(f"{API}/me", headers={**bearer(bob), **from_home})
        # ...and one user on two addresses has one.
        ana_elsewhere = await client.get(
            f"{API}/me", headers={**bearer(ana), ADDRESS: "198.51.100.7"}
        )
        anonymous_at_home = await client.get(f"{API}/products", headers=from_home)

    assert [a.status_code for a in ana_answers] == [200, 200, 200]
    assert bob_at_home.status_code == 200 and _remaining(bob_at_home) == 2
    assert_error_body(ana_elsewhere, 429, "TooManyRequests")
    assert anonymous_at_home.status_code == 200 and _remaining(anonymous_at_home) == 2


async def test_anonymous_ipv6_callers_are_counted_per_64_network(limited: Limited) -> None:
    async with limited(rate_limit_default="3/minute") as (client, _):
        # An attacker holding one /64 picks a fresh address for every request.
        rotating = [
            await client.get(f"{API}/products", headers={ADDRESS: f"2001:db8:7:1::{n:x}"})
            for n in range(1, 5)
        ]
        neighbour = await client.get(f"{API}/products", headers={ADDRESS: "2001:db8:7:2::1"})
        mapped = await client.get(f"{API}/products", headers={ADDRESS: "::ffff:192.0.2.9"})
        same_v4 = await client.get(f"{API}/products", headers={ADDRESS: "192.0.2.9"})

    assert [_remaining(a) for a in rotating[:3]] == [2, 1, 0]
    assert_error_body(rotating[3], 429, "TooManyRequests")
    assert neighbour.status_code == 200 and _remaining(neighbour) == 2
    # An IPv4 client seen through an IPv6 socket is the same client as over IPv4.
    assert (_remaining(mapped), _remaining(same_v4)) == (2, 1)


async def test_forged_and_expired_tokens_are_counted_by_address(
    limited: Limited, make_user: UserMaker, login: TokenMaker, container: Container
) -> None:
    ana = await make_user("ana@example.com")
    token = await login("ana@example.com")
    secret = container.settings().jwt_secret
    forged = jwt.encode(_claims(ana["id"], 600), "not-the-secret-" * 4, algorithm="HS256")
    expired = jwt.encode(_claims(ana["id"], -1), secret, algorithm="HS256")
    async with limited(rate_limit_default="3/minute") as (client, _):
        attacker = {ADDRESS: "192.0.2.66"}
        forged_answer = await client.get(f"{API}/me", headers={**bearer(forged), **attacker})
        expired_answer = await client.get(f"{API}/me", headers={**bearer(expired), **attacker})
        garbage = await client.get(f"{API}/me", headers={"Authorization": "Bearer x", **attacker})
        attacker_again = await client.get(f"{API}/products", headers=attacker)
        ana_answer = await client.get(f"{API}/me", headers={**bearer(token), **attacker})

    assert [_remaining(a) for a in (forged_answer, expired_answer, garbage)] == [2, 1, 0]
    assert_error_body(attacker_again, 429, "TooManyRequests")
    # Ana's own bucket was never touched by tokens claiming to be her.
    assert ana_answer.status_code == 200 and _remaining(ana_answer) == 2


async def test_exempt_routes_carry_no_headers_and_are_never_refused(limited: Limited) -> None:
    async with limited(rate_limit_default="1/minute") as (client, _):
        await client.get(f"{API}/products")
        assert (await client.get(f"{API}/products")).status_code == 429
        for path in ("/health/live", "/health/ready", "/schema/openapi.json", "/api-docs"):
            for _ in range(3):
                answer = await client.get(path, follow_redirects=False)
                assert answer.status_code in (200, 302, 307), (path, answer.status_code)
                assert "RateLimit-Limit" not in answer.headers, path


async def test_unknown_and_slash_doubled_paths_are_counted(limited: Limited) -> None:
    async with limited(rate_limit_default="2/minute", rate_limit_auth="1/minute") as (client, _):
        unknown = await client.get(f"{API}/no-such-thing")
        await client.post(f"{API}/auth/refresh", json={"refreshToken": "x" * 40})
        doubled = await client.post(f"{API}//auth/refresh", json={"refreshToken": "x" * 40})

    assert unknown.status_code == 404 and _remaining(unknown) == 1
    assert_error_body(doubled, 429, "TooManyRequests")


async def test_redis_storage_counts_in_redis(
    limited: Limited, redis_server_url: str, redis_prefix: str
) -> None:
    settings = {
        "redis_url": redis_server_url,
        "rate_limit_key_prefix": redis_prefix,
        "rate_limit_default": "5/minute",
    }
    async with limited(**settings) as (client, app):
        answers = await asyncio.gather(*(client.get(f"{API}/products") for _ in range(8)))

    assert sorted(a.status_code for a in answers) == [200] * 5 + [429] * 3
    assert sorted(_remaining(a) for a in answers if a.status_code == 200) == [0, 1, 2, 3, 4]
    assert keys_under(redis_server_url, redis_prefix)
    assert app.rate_limiter is not None and app.rate_limiter.refusals()["default"] == 3
    # Shutting the app down closed its Redis connections (none is left to the collector).
    pool = app.rate_limiter._windows._client.connection_pool  # type: ignore[attr-defined]
    opened = [*pool._available_connections, *pool._in_use_connections]
    assert opened and not any(connection.is_connected for connection in opened)


async def test_an_unreachable_redis_lets_requests_through(limited: Limited) -> None:
    # Nothing listens on port 9: connecting fails at once.
    async with limited(redis_url="redis://127.0.0.1:9/0") as (client, app):
        answers = [await client.get(f"{API}/products") for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert all("RateLimit-Limit" not in a.headers for a in answers)
    assert app.rate_limiter is not None and app.rate_limiter.refusals()["default"] == 0


async def test_the_openapi_document_states_the_limits_on_every_api_operation(
    limited: Limited,
) -> None:
    async with limited(rate_limit_default="1/minute") as (client, _):
        document = (await client.get("/schema/openapi.json")).json()
        await client.get(f"{API}/products")
        refused = await client.get(f"{API}/products")

    operations = [
        (path, operation)
        for path, item in document["paths"].items()
        if path.startswith(API)
        for operation in item.values()
        if isinstance(operation, dict) and "responses" in operation
    ]
    assert len(operations) > 40
    for path, operation in operations:
        limited_answer = operation["responses"]["429"]
        assert "Retry-After" in limited_answer["headers"], path
        for status, response in operation["responses"].items():
            assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= set(
                response["headers"]
            ), (path, status)
    assert "ErrorBody" in document["components"]["schemas"]
    # Outside /api/v1 nothing is limited, and the document says nothing of it.
    assert "429" not in document["paths"]["/health/live"]["get"]["responses"]
    # The limiter's own refusal is what the document describes for that operation.
    assert_error_body(refused, 429, "TooManyRequests")
    assert refused.headers["Retry-After"] and refused.headers["RateLimit-Remaining"] == "0"


async def test_without_the_limiter_the_document_promises_no_429_it_cannot_send(
    client: Client,
) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    responses = document["paths"][f"{API}/products"]["get"]["responses"]

    assert "429" not in responses
    assert all("RateLimit-Limit" not in r.get("headers", {}) for r in responses.values())
