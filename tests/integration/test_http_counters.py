"""Hit counters over HTTP on SQLite: hits, counts, badges, the admins' list, and every refusal
(no key, revoked, out of scope, bad name, NUL byte, foreign origin), CORS and the per-key
rate limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from adapters.memory.counters import MemoryCounterStore
from application.apikeys.create_api_key import CreateApiKeyCommand
from domain.counters import CounterCount
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from entrypoints.http.counters.badge import badge_svg
from tests.integration.conftest import assert_error_body, bearer, make_container
from tests.support.fakes import RecordingMailer

Client = AsyncTestClient[Any]
API = "/api/v1"
SITE = "https://site.example"


async def _new_key(container: Container, name: str, counters: str = "", origins: str = "") -> str:
    command = CreateApiKeyCommand(
        name, tuple(filter(None, counters.split(","))), tuple(filter(None, origins.split(",")))
    )
    created = await container.apikeys.create_api_key()(command)
    return created.key


def _key(key: str, **more: str) -> dict[str, str]:
    return {"X-API-Key": key, **more}


@pytest.fixture
async def key(container: Container) -> str:
    """A key for the counters `home` and `about`, from the site's origin."""
    return await _new_key(container, "blog", "home,about", SITE)


@pytest.fixture
async def any_key(container: Container) -> str:
    """A key with no scope: every counter, any origin."""
    return await _new_key(container, "everything")


async def test_hits_add_one_each_and_the_count_reads_them(client: Client, key: str) -> None:
    first = await client.post(f"{API}/counters/home/hits", headers=_key(key))
    second = await client.post(f"{API}/counters/home/hits", headers=_key(key))
    read = await client.get(f"{API}/counters/home", headers=_key(key))

    assert (first.status_code, first.json()) == (200, {"name": "home", "count": 1})
    assert second.json() == {"name": "home", "count": 2}
    assert (read.status_code, read.json()) == (200, {"name": "home", "count": 2})
    # Keyed responses are private; the key itself is never echoed.
    assert first.headers["cache-control"] == "no-store"
    assert key not in first.text


async def test_a_counter_never_hit_is_404(client: Client, key: str) -> None:
    response = await client.get(f"{API}/counters/about", headers=_key(key))

    assert_error_body(response, 404, "NotFound")


async def test_without_a_key_it_is_401_with_an_api_key_challenge(client: Client) -> None:
    for response in (
        await client.post(f"{API}/counters/home/hits"),
        await client.get(f"{API}/counters/home"),
        await client.get(f"{API}/counters/home/badge.svg"),
        await client.post(f"{API}/counters/home/hits", headers=_key("hxk_0000000_short")),
    ):
        assert_error_body(response, 401, "Unauthorized")
        assert response.headers["www-authenticate"] == 'ApiKey header="X-API-Key"'
        assert "bearer" not in response.headers["www-authenticate"].lower()


async def test_a_wrong_secret_with_a_real_prefix_is_401(client: Client, key: str) -> None:
    forged = key[:13] + ("A" if key[13] != "A" else "B") + key[14:]

    response = await client.post(f"{API}/counters/home/hits", headers=_key(forged))

    assert_error_body(response, 401, "Unauthorized")


async def test_a_revoked_key_is_401(client: Client, container: Container, key: str) -> None:
    assert (await client.post(f"{API}/counters/home/hits", headers=_key(key))).status_code == 200
    await container.apikeys.revoke_api_key()("blog")

    response = await client.post(f"{API}/counters/home/hits", headers=_key(key))

    assert_error_body(response, 401, "Unauthorized")


async def test_a_counter_outside_the_keys_scope_is_403(client: Client, key: str) -> None:
    hit = await client.post(f"{API}/counters/other/hits", headers=_key(key))
    read = await client.get(f"{API}/counters/other", headers=_key(key))

    assert_error_body(hit, 403, "Forbidden")
    assert_error_body(read, 403, "Forbidden")


async def test_a_key_without_counters_reaches_every_counter(client: Client, any_key: str) -> None:
    response = await client.post(f"{API}/counters/anything-9/hits", headers=_key(any_key))

    assert response.json() == {"name": "anything-9", "count": 1}


@pytest.mark.parametrize("name", ["Home", "home_page", "a" * 65, "h%C3%A9", "%20"])
async def test_a_bad_name_is_400_naming_it(client: Client, key: str, name: str) -> None:
    response = await client.post(f"{API}/counters/{name}/hits", headers=_key(key))

    body = assert_error_body(response, 400, "BadRequest")
    assert [e["field"] for e in body["errors"]] == ["name"]


async def test_a_nul_byte_in_the_name_is_400(client: Client, key: str) -> None:
    response = await client.get(f"{API}/counters/home%00/badge.svg", headers=_key(key))

    body = assert_error_body(response, 400, "BadRequest")
    assert [e["field"] for e in body["errors"]] == ["name"]


async def test_the_name_is_checked_before_the_key(client: Client) -> None:
    response = await client.post(f"{API}/counters/Bad/hits")

    assert_error_body(response, 400, "BadRequest")


async def test_the_keys_origin_gets_cors_headers_for_itself(client: Client, key: str) -> None:
    response = await client.post(f"{API}/counters/home/hits", headers=_key(key, Origin=SITE))

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == SITE
    assert "Origin" in response.headers["vary"]


async def test_a_foreign_origin_is_403_without_cors_headers(client: Client, key: str) -> None:
    response = await client.post(
        f"{API}/counters/home/hits", headers=_key(key, Origin="https://evil.example")
    )

    assert_error_body(response, 403, "Forbidden")
    assert "access-control-allow-origin" not in response.headers
    assert (await client.get(f"{API}/counters/home", headers=_key(key))).status_code == 404


async def test_a_preflight_answers_the_methods_and_the_key_header(client: Client) -> None:
    response = await client.options(
        f"{API}/counters/home/hits",
        headers={"Origin": "https://any.example", "Access-Control-Request-Method": "POST"},
    )

    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "https://any.example"
    assert response.headers["access-control-allow-headers"] == "X-API-Key"
    assert set(response.headers["access-control-allow-methods"].split(", ")) == {
        "GET",
        "POST",
        "OPTIONS",
    }


async def test_the_badge_shows_the_count_without_adding_a_hit(client: Client, key: str) -> None:
    await client.post(f"{API}/counters/home/hits", headers=_key(key))

    by_header = await client.get(f"{API}/counters/home/badge.svg", headers=_key(key))
    by_query = await client.get(f"{API}/counters/home/badge.svg", params={"key": key})
    never_hit = await client.get(f"{API}/counters/about/badge.svg", params={"key": key})

    assert by_header.status_code == by_query.status_code == never_hit.status_code == 200
    assert by_header.headers["content-type"].startswith("image/svg+xml")
    assert by_header.headers["cache-control"] == "no-cache"
    assert ">home</text>" in by_header.text and ">1</text>" in by_header.text
    assert ">0</text>" in never_hit.text
    assert (await client.get(f"{API}/counters/home", headers=_key(key))).json()["count"] == 1


def test_the_badge_escapes_its_text() -> None:
    svg = badge_svg(CounterCount('<script>"&', 1234567))

    assert "<script>" not in svg and "&lt;script&gt;&quot;&amp;" in svg
    assert ">1,234,567</text>" in svg


async def test_admins_list_every_counter_by_name(
    client: Client, any_key: str, admin_token: str
) -> None:
    for name in ("b", "a", "b"):
        await client.post(f"{API}/counters/{name}/hits", headers=_key(any_key))

    response = await client.get(f"{API}/counters", headers=bearer(admin_token))
    paged = await client.get(f"{API}/counters?limit=1&page=2", headers=bearer(admin_token))

    assert response.status_code == 200
    assert response.json()["data"] == [{"name": "a", "count": 1}, {"name": "b", "count": 2}]
    assert response.json()["meta"]["total"] == 2
    assert paged.json()["data"] == [{"name": "b", "count": 2}]


async def test_the_list_is_for_admins_only(
    client: Client, customer_token: str, any_key: str
) -> None:
    assert_error_body(
        await client.get(f"{API}/counters", headers=bearer(customer_token)), 403, "Forbidden"
    )
    assert_error_body(
        await client.get(f"{API}/counters", headers=_key(any_key)), 401, "Unauthorized"
    )


@pytest.fixture
async def limited(
    tmp_path: Path, container: Container, mailer: RecordingMailer
) -> AsyncIterator[tuple[Client, Container]]:
    """The app with the rate limiter on, three hits a minute per key."""
    settings = msgspec.structs.replace(
        container.settings(), rate_limit_enabled=True, rate_limit_counter_hits="3/minute"
    )
    limited_container = make_container(settings, mailer)
    async with AsyncTestClient(app=create_app(limited_container)) as test_client:
        yield test_client, limited_container


async def test_hits_beyond_the_keys_limit_are_429_with_retry_after(
    limited: tuple[Client, Container],
) -> None:
    client, container = limited
    first, second = await _new_key(container, "one"), await _new_key(container, "two")

    answers = [
        (await client.post(f"{API}/counters/home/hits", headers=_key(first))).status_code
        for _ in range(4)
    ]
    refused = await client.post(f"{API}/counters/home/hits", headers=_key(first))
    other_key = await client.post(f"{API}/counters/home/hits", headers=_key(second))
    reads = await client.get(f"{API}/counters/home", headers=_key(first))

    assert answers == [200, 200, 200, 429]
    assert_error_body(refused, 429, "TooManyRequests")
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["ratelimit-limit"] == "3"
    # Counted per key, and only hits: another key and reads still pass.
    assert other_key.status_code == 200
    assert reads.status_code == 200


class _UnreachableStore(MemoryCounterStore):
    """A counter store whose service is down."""

    async def check(self) -> None:
        raise ConnectionError("the counters table can't be reached")


async def test_readiness_checks_a_counter_store_outside_the_database(
    tmp_path: Path, container: Container, mailer: RecordingMailer
) -> None:
    settings = msgspec.structs.replace(container.settings(), counter_store="dynamodb")
    apart = make_container(settings, mailer)
    apart.core.counter_store.override(providers.Singleton(_UnreachableStore))
    async with AsyncTestClient(app=create_app(apart)) as test_client:
        down = await test_client.get("/health/ready")
    async with AsyncTestClient(app=create_app(container)) as test_client:
        on_sql = await test_client.get("/health/ready")

    assert down.status_code == 503
    assert down.json()["checks"]["counters"] == "unavailable"
    assert "counters" not in on_sql.json()["checks"]  # on SQL it is the database check


async def test_hits_without_a_key_count_against_the_address_under_the_default_limit(
    limited: tuple[Client, Container],
) -> None:
    client, _ = limited

    answers = [(await client.post(f"{API}/counters/home/hits")) for _ in range(4)]

    # Not refused by the per-key limit (3 a minute): the default limit counts them, as 401s.
    assert [a.status_code for a in answers] == [401] * 4
    assert answers[0].headers["ratelimit-limit"] == "300"
