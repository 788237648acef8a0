"""Hit counters over HTTP with `COUNTER_STORE=dynamodb`, against moto's server: the same API as
on SQL (hits, counts, the badge, the admins' list, readiness), exact under a burst, and a 503
in the contract's format when the table is gone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from adapters.dynamodb.counters import create_table
from application.apikeys.create_api_key import CreateApiKeyCommand
from entrypoints.containers import Container, close_container
from entrypoints.http.app import create_app
from tests.integration.conftest import assert_error_body, bearer, make_container
from tests.support.fakes import RecordingMailer
from tests.support.moto_server import MOTO_REGION, dynamodb_client, dynamodb_table, moto_endpoint  # noqa: F401

Client = AsyncTestClient[Any]
API = "/api/v1"


@pytest.fixture
async def dynamo_container(
    container: Container, mailer: RecordingMailer, request: pytest.FixtureRequest
) -> AsyncIterator[Container]:
    """The integration container (users and keys on SQLite), its counters in a new DynamoDB
    table on moto's server (its settings name the table and the endpoint)."""
    settings = msgspec.structs.replace(
        container.settings(),
        counter_store="dynamodb",
        counters_table=request.getfixturevalue("dynamodb_table"),
        aws_region=MOTO_REGION,
        aws_endpoint_url=request.getfixturevalue("moto_endpoint"),
    )
    dynamo = make_container(settings, mailer)
    yield dynamo
    await close_container(dynamo)


@pytest.fixture
async def dynamo_client(dynamo_container: Container) -> AsyncIterator[Client]:
    """An HTTP client on the app whose counters live in DynamoDB."""
    async with AsyncTestClient(app=create_app(dynamo_container)) as test_client:
        yield test_client


def _table(container: Container) -> tuple[Any, str]:
    """A plain DynamoDB client on the container's endpoint, and its counters table's name."""
    settings = container.settings()
    assert settings.aws_endpoint_url is not None
    return dynamodb_client(settings.aws_endpoint_url), settings.counters_table


@pytest.fixture
async def site_key(dynamo_container: Container) -> str:
    """A key for the counter `home` only."""
    command = CreateApiKeyCommand("blog", ("home",), ())
    return (await dynamo_container.apikeys.create_api_key()(command)).key


async def test_hits_counts_and_the_badge_come_from_the_table(
    dynamo_client: Client, site_key: str, dynamo_container: Container
) -> None:
    client, table = _table(dynamo_container)
    headers = {"X-API-Key": site_key}
    hits = [await dynamo_client.post(f"{API}/counters/home/hits", headers=headers) for _ in "abc"]
    read = await dynamo_client.get(f"{API}/counters/home", headers=headers)
    badge = await dynamo_client.get(f"{API}/counters/home/badge.svg", params={"key": site_key})

    assert [hit.json()["count"] for hit in hits] == [1, 2, 3]
    assert read.json() == {"name": "home", "count": 3}
    assert badge.status_code == 200 and ">3<" in badge.text
    item = client.get_item(TableName=table, Key={"pk": {"S": "home"}})["Item"]
    assert item["hits"] == {"N": "3"}  # the table holds the count, not the SQL database


async def test_the_refusals_are_the_same_as_on_sql(dynamo_client: Client, site_key: str) -> None:
    assert_error_body(await dynamo_client.post(f"{API}/counters/home/hits"), 401, "Unauthorized")
    outside = await dynamo_client.post(
        f"{API}/counters/about/hits", headers={"X-API-Key": site_key}
    )
    assert_error_body(outside, 403, "Forbidden")
    never = await dynamo_client.get(f"{API}/counters/home", headers={"X-API-Key": site_key})
    assert_error_body(never, 404, "NotFound")


async def test_a_burst_of_hits_adds_exactly_its_number(
    dynamo_client: Client, site_key: str
) -> None:
    headers = {"X-API-Key": site_key}
    answers = await asyncio.gather(
        *(dynamo_client.post(f"{API}/counters/home/hits", headers=headers) for _ in range(100))
    )

    assert sorted(answer.json()["count"] for answer in answers) == list(range(1, 101))


async def test_admins_list_the_tables_counters_and_readiness_checks_it(
    dynamo_client: Client, site_key: str, admin_token: str
) -> None:
    await dynamo_client.post(f"{API}/counters/home/hits", headers={"X-API-Key": site_key})
    listed = await dynamo_client.get(f"{API}/counters", headers=bearer(admin_token))
    ready = await dynamo_client.get("/health/ready")

    assert listed.json()["data"] == [{"name": "home", "count": 1}]
    assert listed.json()["meta"]["total"] == 1
    assert ready.status_code == 200
    assert ready.json()["checks"]["counters"] == "ok"


async def test_a_missing_table_is_503_and_not_ready(
    dynamo_client: Client, site_key: str, dynamo_container: Container
) -> None:
    client, table = _table(dynamo_container)
    client.delete_table(TableName=table)
    hit = await dynamo_client.post(f"{API}/counters/home/hits", headers={"X-API-Key": site_key})
    ready = await dynamo_client.get("/health/ready")
    create_table(table, MOTO_REGION, dynamo_container.settings().aws_endpoint_url)  # for teardown

    assert_error_body(hit, 503, "ServiceUnavailable")
    assert table not in hit.text
    assert ready.status_code == 503
    assert ready.json()["checks"]["counters"] == "unavailable"
