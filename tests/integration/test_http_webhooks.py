"""The Stripe webhook over HTTP with real signatures, the app configured for Stripe.

The Stripe API itself is the local stub serving Stripe's fixtures; webhook bodies are Stripe's
fixture event, signed the way Stripe signs them.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

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
from tests.support.stripe_signing import event_payload, sign
from tests.support.stripe_stub import STUB_API_KEY, StripeStub, stripe_stub  # noqa: F401

SECRET = "whsec_test_integration_secret"
WEBHOOK = f"{API}/webhooks/stripe"


@pytest.fixture
def container(
    tmp_path: Path,
    migrated_sqlite: Path,
    mailer: RecordingMailer,
    stripe_stub: StripeStub,  # noqa: F811
) -> Container:
    """The app's container configured for Stripe, its API being the local stub."""
    database = copy_sqlite_database(migrated_sqlite, tmp_path / "hexashop.db")
    settings = msgspec.structs.replace(
        make_settings(tmp_path, sqlite_url(database)),
        payment_provider="stripe",
        stripe_api_key=STUB_API_KEY,
        stripe_webhook_secret=SECRET,
        stripe_api_base=stripe_stub.url,
    )
    return make_container(settings, mailer)


@pytest.fixture
async def awaiting_payment(
    client: Client, customer_token: str, make_product: ProductMaker
) -> dict[str, Any]:
    """A pending $12.00 order with its Stripe payment intent: `order` and `intent` JSON."""
    mug = await make_product("Blue Mug", price_cents=600, stock=10)
    order = await client.post(
        f"{API}/orders",
        json={"items": [{"productId": mug["id"], "quantity": 2}]},
        headers=bearer(customer_token),
    )
    assert order.status_code == 201, order.text
    intent = await client.post(
        f"{API}/orders/{order.json()['id']}/payment", headers=bearer(customer_token)
    )
    assert intent.status_code == 201, intent.text
    return {"order": order.json(), "intent": intent.json()}


def succeeded(intent: dict[str, Any], amount: int | None = None, **kwargs: Any) -> bytes:
    """A `payment_intent.succeeded` body for the intent (its own amount unless given)."""
    received = intent["amountCents"] if amount is None else amount
    overrides = {"id": intent["paymentIntentId"], "amount": intent["amountCents"]}
    overrides |= {"amount_received": received, "currency": "usd"}
    return event_payload("payment_intent.succeeded", overrides, **kwargs)


async def deliver(client: Client, payload: bytes, signature: str | None = None) -> Any:
    """POST the body to the webhook, signed with the endpoint secret unless told otherwise."""
    headers = {"Content-Type": "application/json"}
    headers["Stripe-Signature"] = sign(payload, SECRET) if signature is None else signature
    return await client.post(WEBHOOK, content=payload, headers=headers)


async def status_of(client: Client, token: str, order: dict[str, Any]) -> str:
    """The order's status as its owner sees it."""
    response = await client.get(f"{API}/orders/{order['id']}", headers=bearer(token))
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


async def delivered(container: Container, mailer: RecordingMailer) -> list[str]:
    """Run the outbox dispatcher; the kinds of every email sent so far."""
    await container.messaging.dispatch_outbox()()
    return [message.kind for message in mailer.sent]


async def test_payment_intent_comes_from_stripe(
    awaiting_payment: dict[str, Any],
    stripe_stub: StripeStub,  # noqa: F811
) -> None:
    intent = awaiting_payment["intent"]

    assert intent["provider"] == "stripe"
    assert intent["paymentIntentId"].startswith("pi_")
    assert (intent["amountCents"], intent["currency"]) == (1200, "USD")
    assert len(stripe_stub.requests_to("/v1/payment_intents")) == 1


async def test_signed_succeeded_event_marks_the_order_paid_and_emails_once(
    client: Client,
    container: Container,
    mailer: RecordingMailer,
    customer_token: str,
    awaiting_payment: dict[str, Any],
) -> None:
    payload = succeeded(awaiting_payment["intent"])

    first = await deliver(client, payload)
    second = await deliver(client, payload)

    assert first.status_code == 200, first.text
    assert first.json() == {"received": True, "outcome": "applied"}
    assert second.status_code == 200, second.text
    assert second.json() == {"received": True, "outcome": "duplicate"}
    assert await status_of(client, customer_token, awaiting_payment["order"]) == "paid"
    assert await delivered(container, mailer) == ["order_confirmation"]


async def test_tampered_body_is_400_and_changes_nothing(
    client: Client, customer_token: str, awaiting_payment: dict[str, Any]
) -> None:
    payload = succeeded(awaiting_payment["intent"])
    signature = sign(payload, SECRET)

    response = await deliver(client, payload.replace(b'"usd"', b'"eur"'), signature)

    body = assert_error_body(response, 400, "BadRequest")
    assert body["message"] == "Invalid webhook signature"
    assert await status_of(client, customer_token, awaiting_payment["order"]) == "pending"


async def test_signature_with_another_secret_is_400(
    client: Client, awaiting_payment: dict[str, Any]
) -> None:
    payload = succeeded(awaiting_payment["intent"])

    response = await deliver(client, payload, sign(payload, "whsec_someone_else"))

    assert_error_body(response, 400, "BadRequest")


async def test_stale_signature_is_400(
    client: Client, customer_token: str, awaiting_payment: dict[str, Any]
) -> None:
    payload = succeeded(awaiting_payment["intent"])
    an_hour_ago = int(time.time()) - 3600

    response = await deliver(client, payload, sign(payload, SECRET, timestamp=an_hour_ago))

    assert_error_body(response, 400, "BadRequest")
    assert await status_of(client, customer_token, awaiting_payment["order"]) == "pending"


async def test_missing_signature_header_is_400(
    client: Client, awaiting_payment: dict[str, Any]
) -> None:
    payload = succeeded(awaiting_payment["intent"])

    response = await client.post(
        WEBHOOK, content=payload, headers={"Content-Type": "application/json"}
    )

    assert_error_body(response, 400, "BadRequest")


async def test_amount_mismatch_is_acknowledged_but_the_order_stays_pending(
    client: Client,
    container: Container,
    mailer: RecordingMailer,
    customer_token: str,
    awaiting_payment: dict[str, Any],
) -> None:
    payload = succeeded(awaiting_payment["intent"], amount=100)

    response = await deliver(client, payload)

    assert response.status_code == 200, response.text
    assert response.json() == {"received": True, "outcome": "mismatch"}
    assert await status_of(client, customer_token, awaiting_payment["order"]) == "pending"
    assert await delivered(container, mailer) == []


async def test_unknown_event_type_is_acknowledged_and_ignored(client: Client) -> None:
    payload = event_payload("customer.created")

    response = await deliver(client, payload)

    assert response.status_code == 200, response.text
    assert response.json() == {"received": True, "outcome": "ignored"}


async def test_payment_failed_event_leaves_the_order_pending(
    client: Client, customer_token: str, awaiting_payment: dict[str, Any]
) -> None:
    intent = awaiting_payment["intent"]
    payload = event_payload(
        "payment_intent.payment_failed",
        {"id": intent["paymentIntentId"], "amount": intent["amountCents"], "currency": "usd"},
    )

    response = await deliver(client, payload)

    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == "applied"
    assert await status_of(client, customer_token, awaiting_payment["order"]) == "pending"


async def test_charge_refunded_event_refunds_a_paid_order(
    client: Client,
    container: Container,
    mailer: RecordingMailer,
    customer_token: str,
    awaiting_payment: dict[str, Any],
) -> None:
    intent = awaiting_payment["intent"]
    await deliver(client, succeeded(intent))
    refund = event_payload(
        "charge.refunded",
        {
            "payment_intent": intent["paymentIntentId"],
            "amount_refunded": intent["amountCents"],
            "currency": "usd",
        },
    )

    response = await deliver(client, refund)

    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == "applied"
    assert await status_of(client, customer_token, awaiting_payment["order"]) == "refunded"
    assert await delivered(container, mailer) == ["order_confirmation", "order_refunded"]


async def test_admin_refund_goes_through_stripe(
    client: Client,
    admin_token: str,
    awaiting_payment: dict[str, Any],
    stripe_stub: StripeStub,  # noqa: F811
) -> None:
    await deliver(client, succeeded(awaiting_payment["intent"]))
    order_id = awaiting_payment["order"]["id"]

    response = await client.post(f"{API}/orders/{order_id}/refund", headers=bearer(admin_token))

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "refunded"
    [refund] = stripe_stub.requests_to("/v1/refunds")
    assert refund.form["payment_intent"] == awaiting_payment["intent"]["paymentIntentId"]


async def test_stripe_outage_while_starting_a_payment_is_503(
    client: Client,
    customer_token: str,
    make_product: ProductMaker,
    stripe_stub: StripeStub,  # noqa: F811
) -> None:
    mug = await make_product("Blue Mug", price_cents=600, stock=10)
    order = await client.post(
        f"{API}/orders",
        json={"items": [{"productId": mug["id"], "quantity": 2}]},
        headers=bearer(customer_token),
    )
    stripe_stub.fail_next(500, times=10, should_retry=False)

    response = await client.post(
        f"{API}/orders/{order.json()['id']}/payment", headers=bearer(customer_token)
    )

    body = assert_error_body(response, 503, "ServiceUnavailable")
    assert body["message"] == "The payment provider is unavailable"
    assert STUB_API_KEY not in response.text


async def test_webhook_accepts_any_content_type(
    client: Client, awaiting_payment: dict[str, Any]
) -> None:
    payload = succeeded(awaiting_payment["intent"])

    response = await client.post(
        WEBHOOK,
        content=payload,
        headers={"Content-Type": "text/plain", "Stripe-Signature": sign(payload, SECRET)},
    )

    assert response.status_code == 200, response.text


async def test_webhook_body_over_256_kib_is_413(client: Client) -> None:
    payload = event_payload("customer.created", {"description": "x" * (300 * 1024)})

    response = await deliver(client, payload)

    assert_error_body(response, 413, "PayloadTooLarge")


async def test_sandbox_routes_do_not_exist_with_stripe(
    client: Client, awaiting_payment: dict[str, Any]
) -> None:
    intent_id = awaiting_payment["intent"]["paymentIntentId"]

    response = await client.post(f"{API}/sandbox/payments/{intent_id}/succeed")

    assert_error_body(response, 404, "NotFound")
    schema = (await client.get("/schema/openapi.json")).json()
    assert not [path for path in schema["paths"] if "/sandbox/" in path]
