"""The Stripe gateway fails well: a timeout on a hanging API, a breaker that opens after
repeated failures and then answers at once without calling Stripe, and one probe to close it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from uuid import uuid4

import pytest

from adapters.circuit_breaker import CircuitBreaker, CircuitState
from adapters.stripe_gateway import StripePaymentGateway
from application.ordering.ports import PaymentGatewayError
from domain.errors import ServiceUnavailable
from tests.support.stripe_stub import STUB_API_KEY, StripeStub, stripe_stub  # noqa: F401

THRESHOLD = 3
COOLDOWN = 30.0


class ManualClock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


MakeGateway = Callable[..., StripePaymentGateway]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def make_gateway(
    stripe_stub: StripeStub,  # noqa: F811
    clock: ManualClock,
) -> AsyncIterator[MakeGateway]:
    made: list[StripePaymentGateway] = []

    def make(timeout: float = 10.0) -> StripePaymentGateway:
        breaker = CircuitBreaker("Stripe", THRESHOLD, COOLDOWN, clock=clock)
        gateway = StripePaymentGateway(
            STUB_API_KEY,
            "whsec_unused",
            stripe_stub.url,
            timeout=timeout,
            connect_timeout=timeout,
            max_network_retries=0,
            breaker=breaker,
        )
        made.append(gateway)
        return gateway

    yield make
    for gateway in made:
        await gateway.aclose()


async def _pay(gateway: StripePaymentGateway) -> object:
    return await gateway.create_intent(uuid4(), 1200, "USD", idempotency_key=str(uuid4()))


async def test_after_repeated_failures_the_breaker_answers_at_once_without_calling_stripe(
    stripe_stub: StripeStub,  # noqa: F811
    make_gateway: MakeGateway,
) -> None:
    gateway = make_gateway()
    stripe_stub.fail_next(500, times=100, should_retry=False)
    for _ in range(THRESHOLD):
        with pytest.raises(PaymentGatewayError):
            await _pay(gateway)
    reached = len(stripe_stub.requests)

    with pytest.raises(ServiceUnavailable) as refused:
        await _pay(gateway)

    assert reached == THRESHOLD
    assert len(stripe_stub.requests) == reached, "an open breaker still called Stripe"
    assert gateway.breaker.state is CircuitState.OPEN
    assert refused.value.retry_after_seconds == COOLDOWN


async def test_a_hanging_stripe_times_out_and_opens_the_breaker(
    stripe_stub: StripeStub,  # noqa: F811
    make_gateway: MakeGateway,
) -> None:
    gateway = make_gateway(timeout=0.3)
    stripe_stub.hang_next(30, times=THRESHOLD)
    for _ in range(THRESHOLD):
        with pytest.raises(PaymentGatewayError, match=r"APIConnectionError|Timeout"):
            await _pay(gateway)

    with pytest.raises(ServiceUnavailable):
        await _pay(gateway)
    assert len(stripe_stub.requests) == THRESHOLD


async def test_after_the_cool_down_one_probe_goes_through_and_success_closes_the_breaker(
    stripe_stub: StripeStub,  # noqa: F811
    make_gateway: MakeGateway,
    clock: ManualClock,
) -> None:
    gateway = make_gateway()
    stripe_stub.fail_next(500, times=THRESHOLD, should_retry=False)
    for _ in range(THRESHOLD):
        with pytest.raises(PaymentGatewayError):
            await _pay(gateway)
    clock.now += COOLDOWN - 1
    with pytest.raises(ServiceUnavailable) as early:
        await _pay(gateway)
    clock.now += 1

    assert gateway.breaker.state is CircuitState.HALF_OPEN
    await _pay(gateway)  # the probe: Stripe answers again

    assert early.value.retry_after_seconds == 1
    assert gateway.breaker.state is CircuitState.CLOSED
    assert len(stripe_stub.requests) == THRESHOLD + 1


async def test_a_failed_probe_opens_the_breaker_for_another_cool_down(
    stripe_stub: StripeStub,  # noqa: F811
    make_gateway: MakeGateway,
    clock: ManualClock,
) -> None:
    gateway = make_gateway()
    stripe_stub.fail_next(500, times=THRESHOLD + 1, should_retry=False)
    for _ in range(THRESHOLD):
        with pytest.raises(PaymentGatewayError):
            await _pay(gateway)
    clock.now += COOLDOWN

    with pytest.raises(PaymentGatewayError):
        await _pay(gateway)  # the probe fails

    assert gateway.breaker.state is CircuitState.OPEN
    with pytest.raises(ServiceUnavailable):
        await _pay(gateway)
    assert len(stripe_stub.requests) == THRESHOLD + 1


async def test_declined_cards_prove_stripe_reachable_and_never_open_the_breaker(
    stripe_stub: StripeStub,  # noqa: F811
    make_gateway: MakeGateway,
) -> None:
    gateway = make_gateway()
    for _ in range(THRESHOLD + 2):
        stripe_stub.decline_next()
        with pytest.raises(PaymentGatewayError):
            await _pay(gateway)

    assert gateway.breaker.state is CircuitState.CLOSED
    await _pay(gateway)
