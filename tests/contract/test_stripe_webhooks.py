"""Stripe webhooks: real signatures over fixture-based events, verified by the gateways."""

from __future__ import annotations

import json
import time

import pytest
import stripe

from adapters.sandbox_gateway import SandboxPaymentGateway
from adapters.stripe_gateway import StripePaymentGateway
from domain.payments import InvalidWebhookSignature, PaymentEvent
from tests.support.stripe_signing import event_payload, sign

SECRET = "whsec_webhook_contract_secret"


@pytest.fixture
def gateway() -> StripePaymentGateway:
    """A Stripe gateway; parsing webhooks needs no network, so no API base."""
    return StripePaymentGateway(api_key="sk_test_unused", webhook_secret=SECRET, api_base=None)


# --- valid events ------------------------------------------------------------------------------


def test_signing_helper_matches_stripe_sdk() -> None:
    payload = event_payload("payment_intent.succeeded")

    header = sign(payload, SECRET, timestamp=1_700_000_000)

    expected = stripe.WebhookSignature.generate_signature_header(
        payload.decode(), SECRET, timestamp=1_700_000_000
    )
    assert header == expected


def test_payment_succeeded_maps_intent_received_amount_and_currency(
    gateway: StripePaymentGateway,
) -> None:
    payload = event_payload(
        "payment_intent.succeeded",
        {"id": "pi_123", "amount": 1850, "amount_received": 1850, "currency": "usd"},
        event_id="evt_succeeded",
    )

    event = gateway.parse_event(payload, sign(payload, SECRET))

    assert event == PaymentEvent("evt_succeeded", "payment_intent.succeeded", "pi_123", 1850, "USD")


def test_payment_succeeded_reports_what_was_received_not_what_was_asked(
    gateway: StripePaymentGateway,
) -> None:
    payload = event_payload(
        "payment_intent.succeeded",
        {"id": "pi_123", "amount": 1850, "amount_received": 1000, "currency": "usd"},
    )

    event = gateway.parse_event(payload, sign(payload, SECRET))

    assert event.amount_cents == 1000


def test_payment_succeeded_without_received_amount_falls_back_to_amount(
    gateway: StripePaymentGateway,
) -> None:
    payload = event_payload(
        "payment_intent.succeeded",
        {"id": "pi_123", "amount": 1850, "amount_received": None, "currency": "eur"},
    )

    event = gateway.parse_event(payload, sign(payload, SECRET))

    assert (event.amount_cents, event.currency) == (1850, "EUR")


def test_payment_succeeded_with_nothing_received_reports_zero(
    gateway: StripePaymentGateway,
) -> None:
    payload = event_payload(
        "payment_intent.succeeded",
        {"id": "pi_123", "amount": 1850, "amount_received": 0, "currency": "usd"},
    )

    event = gateway.parse_event(payload, sign(payload, SECRET))

    assert event.amount_cents == 0


def test_payment_failed_maps_intent_and_amount(gateway: StripePaymentGateway) -> None:
    payload = event_payload(
        "payment_intent.payment_failed",
        {"id": "pi_456", "amount": 2400, "amount_received": 0, "currency": "usd"},
        event_id="evt_failed",
    )

    event = gateway.parse_event(payload, sign(payload, SECRET))

    assert event == PaymentEvent(
        "evt_failed", "payment_intent.payment_failed", "pi_456", 2400, "USD"
    )


def test_charge_refunded_maps_the_charge_payment_intent_and_refunded_amount(
    gateway: StripePaymentGateway,
) -> None:
    payload = event_payload(
        "charge.refunded",
        {
            "payment_intent": "pi_789",
            "amount": 1850,
            "amount_refunded": 1850,
            "currency": "usd",
            "refunded": True,
        },
        event_id="evt_refunded",
    )

    event = gateway.parse_event(payload, sign(payload, SECRET))

    assert event == PaymentEvent("evt_refunded", "charge.refunded", "pi_789", 1850, "USD")


def test_unknown_event_type_is_parsed_without_payment_data(gateway: StripePaymentGateway) -> None:
    payload = event_payload("plan.created", event_id="evt_plan")

    event = gateway.parse_event(payload, sign(payload, SECRET))

    assert event == PaymentEvent("evt_plan", "plan.created", intent_id=None)


def test_header_with_several_signatures_is_accepted_when_one_matches(
    gateway: StripePaymentGateway,
) -> None:
    # Stripe sends one v1 per active secret while a secret is being rolled.
    payload = event_payload("payment_intent.succeeded", {"id": "pi_123"})
    valid = sign(payload, SECRET)
    timestamp, good = valid.split(",")
    other = sign(payload, "whsec_old_secret").split(",")[1]

    event = gateway.parse_event(payload, f"{timestamp},{other},{good}")

    assert event.intent_id == "pi_123"


# --- refused bodies and signatures -----------------------------------------------------------


def test_tampered_body_is_rejected(gateway: StripePaymentGateway) -> None:
    payload = event_payload(
        "payment_intent.succeeded", {"id": "pi_123", "amount": 1850, "amount_received": 1850}
    )
    header = sign(payload, SECRET)
    tampered = payload.replace(b'"amount_received": 1850', b'"amount_received": 99')
    assert tampered != payload

    with pytest.raises(InvalidWebhookSignature):
        gateway.parse_event(tampered, header)


def test_signature_made_with_another_secret_is_rejected(gateway: StripePaymentGateway) -> None:
    payload = event_payload("payment_intent.succeeded")

    with pytest.raises(InvalidWebhookSignature):
        gateway.parse_event(payload, sign(payload, "whsec_someone_else"))


def test_stale_signature_is_rejected(gateway: StripePaymentGateway) -> None:
    payload = event_payload("payment_intent.succeeded")
    ten_minutes_ago = int(time.time()) - 600

    with pytest.raises(InvalidWebhookSignature):
        gateway.parse_event(payload, sign(payload, SECRET, timestamp=ten_minutes_ago))


def test_recent_signature_within_tolerance_is_accepted(gateway: StripePaymentGateway) -> None:
    payload = event_payload("payment_intent.succeeded", {"id": "pi_123"})
    two_minutes_ago = int(time.time()) - 120

    event = gateway.parse_event(payload, sign(payload, SECRET, timestamp=two_minutes_ago))

    assert event.intent_id == "pi_123"


@pytest.mark.parametrize("header", [None, ""], ids=["missing", "empty"])
def test_missing_signature_is_rejected(gateway: StripePaymentGateway, header: str | None) -> None:
    payload = event_payload("payment_intent.succeeded")

    with pytest.raises(InvalidWebhookSignature):
        gateway.parse_event(payload, header)


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        "t=not-a-number,v1=abc",
        "v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd",
        f"t={int(time.time())}",
        f"t={int(time.time())},v0=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd",
    ],
    ids=["no-fields", "bad-timestamp", "no-timestamp", "no-signature", "other-scheme"],
)
def test_malformed_signature_header_is_rejected(gateway: StripePaymentGateway, header: str) -> None:
    payload = event_payload("payment_intent.succeeded")

    with pytest.raises(InvalidWebhookSignature):
        gateway.parse_event(payload, header)


@pytest.mark.parametrize(
    "payload",
    [
        b"{not json",
        b"\xff\xfe not utf-8",
        b"[1, 2, 3]",
        json.dumps({"id": "evt_1", "type": "payment_intent.succeeded"}).encode(),
    ],
    ids=["invalid-json", "not-utf8", "not-an-object", "no-data-object"],
)
def test_signed_body_that_is_not_an_event_is_rejected(
    gateway: StripePaymentGateway, payload: bytes
) -> None:
    with pytest.raises(InvalidWebhookSignature):
        gateway.parse_event(payload, sign(payload, SECRET))


def test_gateway_without_webhook_secret_rejects_everything() -> None:
    gateway = StripePaymentGateway(api_key="sk_test_unused", webhook_secret="", api_base=None)
    payload = event_payload("payment_intent.succeeded")

    with pytest.raises(InvalidWebhookSignature):
        gateway.parse_event(payload, sign(payload, ""))


def test_sandbox_accepts_no_webhooks_even_when_signed() -> None:
    payload = event_payload("payment_intent.succeeded")

    with pytest.raises(InvalidWebhookSignature):
        SandboxPaymentGateway().parse_event(payload, sign(payload, SECRET))
