"""`GET /metrics`: Prometheus text, routes by template never by id, optional bearer token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from entrypoints.http.app import create_app
from entrypoints.metrics import record_rate_limit_refusal
from tests.integration.conftest import (
    API,
    Client,
    ProductMaker,
    assert_error_body,
    make_container,
    make_settings,
)
from tests.support.databases import copy_sqlite_database, sqlite_url
from tests.support.fakes import RecordingMailer


async def test_metrics_label_routes_by_template_and_never_by_id(
    client: Client, make_product: ProductMaker
) -> None:
    product = await make_product("Blue Mug", price_cents=1200, stock=3)
    missing = uuid4()
    for product_id in (product["id"], missing):
        await client.get(f"{API}/products/{product_id}")
    await client.get(f"/no/such/{uuid4()}")
    record_rate_limit_refusal("auth")

    response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert (
        'hexashop_http_requests_total{method="GET",route="/api/v1/products/{id}",status="200"}'
        in text
    )
    assert 'route="/api/v1/products/{id}",status="404"' in text
    assert 'route="unmatched",status="404"' in text
    assert product["id"] not in text and str(missing) not in text
    assert (
        'hexashop_http_request_duration_seconds_bucket{le="0.005",route="/api/v1/products/{id}"}'
        in text
    )
    assert 'hexashop_rate_limit_refusals_total{policy="auth"}' in text
    assert "hexashop_outbox_due_messages 0.0" in text
    assert "hexashop_outbox_dead_messages 0.0" in text
    assert 'hexashop_circuit_breaker_state{provider="mail",state="closed"} 1.0' in text


async def test_metrics_gauge_the_outbox_backlog_at_scrape_time(client: Client) -> None:
    await client.post(
        f"{API}/auth/register",
        json={"email": "ana@example.com", "password": "Secret123", "name": "Ana"},
    )

    text = (await client.get("/metrics")).text

    assert "hexashop_outbox_due_messages 1.0" in text


@pytest.fixture
async def guarded_client(
    tmp_path: Path, migrated_sqlite: Path, mailer: RecordingMailer
) -> AsyncIterator[Client]:
    database = copy_sqlite_database(migrated_sqlite, tmp_path / "hexashop.db")
    settings = msgspec.structs.replace(
        make_settings(tmp_path, sqlite_url(database)), metrics_token="scrape-secret-123"
    )
    async with AsyncTestClient(app=create_app(make_container(settings, mailer))) as client:
        yield client


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong", "Bearer scrape-secret-1234", "scrape-secret-123", "Basic x"],
)
async def test_metrics_token_is_required_when_set(
    guarded_client: Client, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    response = await guarded_client.get("/metrics", headers=headers)

    assert_error_body(response, 401, "Unauthorized")
    assert "hexashop_http_requests_total" not in response.text


async def test_metrics_answer_with_the_right_token(guarded_client: Client) -> None:
    response = await guarded_client.get(
        "/metrics", headers={"Authorization": "Bearer scrape-secret-123"}
    )

    assert response.status_code == 200
    assert "hexashop_http_requests_total" in response.text
