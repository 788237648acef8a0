"""Contract of the PaymentGateway port: the sandbox and Stripe (against a local Stripe stub)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from uuid import uuid4

import pytest

from adapters.sandbox_gateway import SandboxPaymentGateway
from adapters.stripe_gateway import StripePaymentGateway
from application.ordering.ports import PaymentGateway, PaymentGatewayError
from tests.support.stripe_stub import (
    STUB_API_KEY,
    StripeStub,
    closed_port_url,
    stripe_stub,  # noqa: F401
)

WEBHOOK_SECRET = "whsec_contract_test_secret"

MakeStripe = Callable[..., StripePaymentGateway]


@pytest.fixture
def stub(request: pytest.FixtureRequest) -> StripeStub:
    """The running Stripe stub (named apart from the imported fixture, which it wraps)."""
    running: StripeStub = request.getfixturevalue("stripe_stub")
    return running


@pytest.fixture
async def stripe_gateways() -> AsyncIterator[list[StripePaymentGateway]]:
    """Stripe gateways made by a test, closed when it ends."""
    made: list[StripePaymentGateway] = []
    yield made
    for gateway in made:
        await gateway.aclose()


@pytest.fixture
def make_stripe(
    stripe_gateways: list[StripePaymentGateway],
) -> MakeStripe:
    """Build a StripePaymentGateway the way the composition root does."""

    def make(api_base: str | None, api_key: str = STUB_API_KEY) -> StripePaymentGateway:
        gateway = StripePaymentGateway(
            api_key=api_key, webhook_secret=WEBHOOK_SECRET, api_base=api_base
        )
        stripe_gateways.append(gateway)
        return gateway

    return make


@pytest.fixture(params=["sandbox", "stripe"])
def gateway(request: pytest.FixtureRequest, make_stripe: MakeStripe) -> PaymentGateway:
    """Each payment provider in turn; Stripe talks to a fresh local stub."""
    if request.param == "sandbox":
        return SandboxPaymentGateway()
    stub: StripeStub = request.getfixturevalue("stub")
    stripe_gateway: StripePaymentGateway = make_stripe(stub.url)
    return stripe_gateway


# --- both providers ---------------------------------------------------------------------------


async def test_gateway_names_itself(gateway: PaymentGateway) -> None:
    assert gateway.name in {"sandbox", "stripe"}
    assert gateway.name == ("sandbox" if isinstance(gateway, SandboxPaymentGateway) else "stripe")


async def test_create_intent_returns_an_intent_for_the_amount_and_currency(
    gateway: PaymentGateway,
) -> None:
    intent = await gateway.create_intent(uuid4(), 1850, "usd", "pay-key-1")

    assert intent.intent_id.startswith("pi_")
    assert intent.client_secret.startswith(f"{intent.intent_id}_secret_")
    assert intent.amount_cents == 1850
    assert intent.currency == "USD"


async def test_repeated_idempotency_key_returns_the_same_intent(gateway: PaymentGateway) -> None:
    order_id = uuid4()
    first = await gateway.create_intent(order_id, 1850, "USD", "pay-key-1")

    again = await gateway.create_intent(order_id, 1850, "USD", "pay-key-1")

    assert again == first


async def test_different_idempotency_keys_make_different_intents(gateway: PaymentGateway) -> None:
    first = await gateway.create_intent(uuid4(), 1850, "USD", "pay-key-1")

    second = await gateway.create_intent(uuid4(), 1850, "USD", "pay-key-2")

    assert second.intent_id != first.intent_id
    assert second.client_secret != first.client_secret


async def test_reusing_an_idempotency_key_for_another_amount_is_refused(
    gateway: PaymentGateway,
) -> None:
    order_id = uuid4()
    await gateway.create_intent(order_id, 1850, "USD", "pay-key-1")

    with pytest.raises(PaymentGatewayError):
        await gateway.create_intent(order_id, 9900, "USD", "pay-key-1")


async def test_refund_returns_a_refund_id(gateway: PaymentGateway) -> None:
    intent = await gateway.create_intent(uuid4(), 1850, "USD", "pay-key-1")

    refund_id = await gateway.refund(intent.intent_id, 1850, "refund-key-1")

    assert refund_id.startswith("re_")


async def test_repeated_refund_key_returns_the_same_refund(gateway: PaymentGateway) -> None:
    intent = await gateway.create_intent(uuid4(), 1850, "USD", "pay-key-1")
    first = await gateway.refund(intent.intent_id, 1850, "refund-key-1")

    again = await gateway.refund(intent.intent_id, 1850, "refund-key-1")

    assert again == first


# --- Stripe: the exact requests and the error mapping ------------------------------------------


async def test_create_intent_sends_stripe_the_order_amount_and_key(
    stub: StripeStub, make_stripe: MakeStripe
) -> None:
    order_id = uuid4()

    intent = await make_stripe(stub.url).create_intent(order_id, 1850, "USD", "pay-key-1")

    [request] = stub.requests
    assert (request.method, request.path) == ("POST", "/v1/payment_intents")
    assert request.form == {
        "amount": "1850",
        "currency": "usd",
        "metadata[order_id]": str(order_id),
        "automatic_payment_methods[enabled]": "true",
    }
    assert request.header("Idempotency-Key") == "pay-key-1"
    assert request.header("Authorization") == f"Bearer {STUB_API_KEY}"
    assert intent.intent_id.startswith("pi_")


async def test_refund_sends_stripe_the_intent_amount_and_key(
    stub: StripeStub, make_stripe: MakeStripe
) -> None:
    gateway = make_stripe(stub.url)

    refund_id = await gateway.refund("pi_123", 1850, "refund-key-1")

    [request] = stub.requests_to("/v1/refunds")
    assert request.method == "POST"
    assert request.form == {"payment_intent": "pi_123", "amount": "1850"}
    assert request.header("Idempotency-Key") == "refund-key-1"
    assert request.header("Authorization") == f"Bearer {STUB_API_KEY}"
    assert refund_id.startswith("re_")


async def test_declined_payment_raises_gateway_error_naming_stripe_code(
    stub: StripeStub, make_stripe: MakeStripe
) -> None:
    stub.decline_next()

    with pytest.raises(PaymentGatewayError) as raised:
        await make_stripe(stub.url).create_intent(uuid4(), 1850, "USD", "pay-key-1")

    assert "card_declined" in str(raised.value)
    assert STUB_API_KEY not in str(raised.value)
    assert len(stub.requests) == 1  # a client error is not retried


async def test_refused_refund_raises_gateway_error(
    stub: StripeStub, make_stripe: MakeStripe
) -> None:
    stub.fail_next(400, error_type="invalid_request_error", code="charge_already_refunded", times=1)

    with pytest.raises(PaymentGatewayError) as raised:
        await make_stripe(stub.url).refund("pi_123", 1850, "refund-key-1")

    assert "charge_already_refunded" in str(raised.value)


async def test_rejected_api_key_is_not_repeated_in_the_error(
    stub: StripeStub, make_stripe: MakeStripe
) -> None:
    wrong_key = "sk_test_wrong_51Hx9FzKq3mNbVcXy"
    gateway = make_stripe(stub.url, api_key=wrong_key)

    with pytest.raises(PaymentGatewayError) as raised:
        await gateway.create_intent(uuid4(), 1850, "USD", "pay-key-1")

    message = str(raised.value)
    assert "AuthenticationError" in message
    assert wrong_key not in message
    assert wrong_key[-4:] not in message  # not even the masked form Stripe echoes back


async def test_persistent_server_error_raises_after_one_retry_with_the_same_key(
    stub: StripeStub, make_stripe: MakeStripe
) -> None:
    stub.fail_next(500, times=5)

    with pytest.raises(PaymentGatewayError) as raised:
        await make_stripe(stub.url).create_intent(uuid4(), 1850, "USD", "pay-key-1")

    assert STUB_API_KEY not in str(raised.value)
    keys = [request.header("Idempotency-Key") for request in stub.requests]
    assert keys == ["pay-key-1", "pay-key-1"]


async def test_transient_server_error_is_retried_with_the_same_key(
    stub: StripeStub, make_stripe: MakeStripe
) -> None:
    stub.fail_next(503, times=1)

    intent = await make_stripe(stub.url).create_intent(uuid4(), 1850, "USD", "pay-key-1")

    keys = [request.header("Idempotency-Key") for request in stub.requests]
    assert keys == ["pay-key-1", "pay-key-1"]
    assert intent.amount_cents == 1850


async def test_unreachable_stripe_raises_gateway_error(make_stripe: MakeStripe) -> None:
    gateway = make_stripe(closed_port_url())

    with pytest.raises(PaymentGatewayError) as raised:
        await gateway.create_intent(uuid4(), 1850, "USD", "pay-key-1")

    assert "APIConnectionError" in str(raised.value)
    assert STUB_API_KEY not in str(raised.value)


async def test_check_passes_when_stripe_answers(stub: StripeStub, make_stripe: MakeStripe) -> None:
    await make_stripe(stub.url).check()

    [request] = stub.requests
    assert (request.method, request.path) == ("GET", "/v1/balance")


async def test_check_raises_when_stripe_is_unreachable(make_stripe: MakeStripe) -> None:
    with pytest.raises(PaymentGatewayError):
        await make_stripe(closed_port_url()).check()


async def test_stripe_gateway_works_again_on_a_new_event_loop(
    stub: StripeStub, make_stripe: MakeStripe
) -> None:
    gateway = make_stripe(stub.url)
    await gateway.create_intent(uuid4(), 1850, "USD", "pay-key-1")

    # The container may outlive one loop (CLI commands, tests): a second loop must still work.
    def in_another_loop() -> str:
        return asyncio.run(gateway.create_intent(uuid4(), 1850, "USD", "pay-key-2")).intent_id

    intent_id = await asyncio.to_thread(in_another_loop)

    assert intent_id.startswith("pi_")
