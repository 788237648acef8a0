"""Stripe hangs: payments time out, the breaker opens, and the next payment is 503 at once
with `Retry-After`, without calling Stripe; readiness names the open breaker."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from entrypoints.containers import Container
from tests.integration.conftest import (
    API,
    Client,
    ProductMaker,
    assert_error_body,
    bearer,
    make_container,
    make_settings,
)
from tests.support.databases import copy_sqlite_database, sqlite_url
from tests.support.fakes import RecordingMailer
from tests.support.stripe_stub import STUB_API_KEY, StripeStub, stripe_stub  # noqa: F401

THRESHOLD = 2


@pytest.fixture
def container(
    tmp_path: Path,
    migrated_sqlite: Path,
    mailer: RecordingMailer,
    stripe_stub: StripeStub,  # noqa: F811
) -> Container:
    """Stripe behind the stub, with a short timeout and a breaker opening after 2 failures."""
    database = copy_sqlite_database(migrated_sqlite, tmp_path / "hexashop.db")
    settings = msgspec.structs.replace(
        make_settings(tmp_path, sqlite_url(database)),
        payment_provider="stripe",
        stripe_api_key=STUB_API_KEY,
        stripe_webhook_secret="whsec_test_outage",
        stripe_api_base=stripe_stub.url,
        provider_timeout_seconds=0.3,
        circuit_failure_threshold=THRESHOLD,
        circuit_cooldown_seconds=60.0,
    )
    return make_container(settings, mailer)


async def test_a_hanging_stripe_opens_the_breaker_and_payments_answer_503_at_once(
    client: Client,
    customer_token: str,
    make_product: ProductMaker,
    stripe_stub: StripeStub,  # noqa: F811
) -> None:
    mug = await make_product("Blue Mug", price_cents=1200, stock=10)
    orders = []
    for _ in range(THRESHOLD + 1):
        order = await client.post(
            f"{API}/orders",
            json={"items": [{"productId": mug["id"], "quantity": 1}]},
            headers=bearer(customer_token),
        )
        assert order.status_code == 201, order.text
        orders.append(order.json()["id"])
    stripe_stub.hang_next(30, times=10)

    timed_out = [
        await client.post(f"{API}/orders/{o}/payment", headers=bearer(customer_token))
        for o in orders[:THRESHOLD]
    ]
    reached = len(stripe_stub.requests_to("/v1/payment_intents"))
    refused = await client.post(
        f"{API}/orders/{orders[-1]}/payment", headers=bearer(customer_token)
    )
    ready = await client.get("/health/ready")

    for response in timed_out:
        assert_error_body(response, 503, "ServiceUnavailable")
    # The SDK's one network retry per call: each timed-out payment reached Stripe twice.
    assert reached == THRESHOLD * 2
    assert_error_body(refused, 503, "ServiceUnavailable")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert len(stripe_stub.requests_to("/v1/payment_intents")) == reached
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["circuits"] == {"mail": "closed", "stripe": "open"}
