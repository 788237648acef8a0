"""Stripe as the payment provider, through the stripe SDK's async (httpx) client."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from typing import Any
from uuid import UUID

import httpx
import stripe

from adapters.circuit_breaker import CircuitBreaker
from application.ordering.ports import CreatedIntent, PaymentGatewayError
from domain.payments import InvalidWebhookSignature, PaymentEvent, PaymentEventType

# Secret and restricted keys, in case Stripe echoes (part of) one back in an error message.
_KEY_PATTERN = re.compile(r"\b(?:sk|rk)_(?:test|live)_\S*")


class StripePaymentGateway:
    """Creates payment intents and refunds on Stripe and verifies Stripe's signed webhooks."""

    def __init__(
        self,
        api_key: str,
        webhook_secret: str,
        api_base: str | None,
        *,
        connect_timeout: float = 3.0,
        timeout: float = 10.0,
        max_network_retries: int = 1,
        webhook_tolerance: int = stripe.Webhook.DEFAULT_TOLERANCE,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self._api_key = api_key
        self._webhook_secret = webhook_secret
        self._api_base = api_base
        # Short timeouts and one retry (with the same idempotency key, so it is safe): a
        # customer is waiting on the other end of create_intent.
        self._timeout = httpx.Timeout(timeout, connect=connect_timeout)
        self._max_network_retries = max_network_retries
        self._webhook_tolerance = webhook_tolerance
        self._breaker = breaker or CircuitBreaker("Stripe")
        self._client: stripe.StripeClient | None = None
        self._http_client: stripe.HTTPXClient | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None

    @property
    def name(self) -> str:
        """The provider's name as shown to clients."""
        return "stripe"

    async def create_intent(
        self, order_id: UUID, amount_cents: int, currency: str, idempotency_key: str
    ) -> CreatedIntent:
        """Create a PaymentIntent; Stripe replays the first answer for a repeated key."""
        try:
            intent = await self._breaker.call(
                lambda: self._stripe().v1.payment_intents.create_async(
                    params={
                        "amount": amount_cents,
                        "currency": currency.lower(),
                        "metadata": {"order_id": str(order_id)},
                        "automatic_payment_methods": {"enabled": True},
                    },
                    options={"idempotency_key": idempotency_key},
                ),
                is_provider_failure,
            )
        except (stripe.StripeError, httpx.HTTPError, OSError) as exc:
            raise PaymentGatewayError(self._describe("create a payment intent", exc)) from exc
        if not intent.client_secret:
            raise PaymentGatewayError("Stripe returned a payment intent without a client secret")
        return CreatedIntent(
            intent_id=intent.id,
            client_secret=intent.client_secret,
            amount_cents=intent.amount,
            currency=intent.currency.upper(),
        )

    async def refund(self, intent_id: str, amount_cents: int, idempotency_key: str) -> str:
        """Refund the intent's charge; returns Stripe's refund id."""
        try:
            refund = await self._breaker.call(
                lambda: self._stripe().v1.refunds.create_async(
                    params={"payment_intent": intent_id, "amount": amount_cents},
                    options={"idempotency_key": idempotency_key},
                ),
                is_provider_failure,
            )
        except (stripe.StripeError, httpx.HTTPError, OSError) as exc:
            raise PaymentGatewayError(self._describe("refund a payment", exc)) from exc
        return refund.id

    async def check(self) -> None:
        """Raise PaymentGatewayError when Stripe cannot be reached or refuses the API key."""
        try:
            await self._stripe().v1.balance.retrieve_async()
        except (stripe.StripeError, httpx.HTTPError, OSError) as exc:
            raise PaymentGatewayError(self._describe("reach the API", exc)) from exc

    def parse_event(self, payload: bytes, signature: str | None) -> PaymentEvent:
        """Verify the Stripe-Signature header and map the event; raise InvalidWebhookSignature."""
        try:
            # The SDK's check behind Webhook.construct_event: HMAC-SHA256 over "<t>.<body>",
            # compared in constant time, and the timestamp within the tolerance.
            stripe.WebhookSignature.verify_header(
                payload, signature, self._webhook_secret, self._webhook_tolerance
            )
            event = json.loads(payload)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            # ValueError covers a body that is not UTF-8 or not JSON.
            raise InvalidWebhookSignature() from exc
        return _to_payment_event(event)

    async def aclose(self) -> None:
        """Close the HTTP connections (call on shutdown)."""
        if self._http_client is not None:
            await self._http_client.close_async()  # type: ignore[no-untyped-call]
        self._client = self._http_client = self._client_loop = None

    @property
    def breaker(self) -> CircuitBreaker:
        """The breaker guarding calls to Stripe (for readiness and metrics)."""
        return self._breaker

    def _stripe(self) -> stripe.StripeClient:
        # httpx's pooled connections belong to the event loop that opened them, so a gateway
        # shared across loops (tests, CLI commands) gets a fresh client per loop.
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._http_client = _HTTPXClient(timeout=self._timeout)
            self._client = stripe.StripeClient(
                self._api_key,
                base_addresses={"api": self._api_base} if self._api_base else None,
                max_network_retries=self._max_network_retries,
                http_client=self._http_client,
            )
            self._client_loop = loop
        return self._client

    def _describe(self, action: str, exc: Exception) -> str:
        """A short message naming Stripe's error, never the API key."""
        if isinstance(exc, stripe.StripeError):
            detail = ", ".join(
                part
                for part in (
                    type(exc).__name__,
                    f"HTTP {exc.http_status}" if exc.http_status else "",
                    f"code {exc.code}" if exc.code else "",
                    " ".join((exc.user_message or "").split()),
                )
                if part
            )
        else:
            detail = type(exc).__name__
        message = f"Stripe could not {action}: {detail}"[:300]
        if self._api_key:
            message = message.replace(self._api_key, "***")
        return _KEY_PATTERN.sub("***", message)


def is_provider_failure(exc: Exception) -> bool:
    """True when Stripe is down or unreachable (network, timeout, 5xx, 429), not when it
    answered and refused the request (a declined card, a bad parameter)."""
    if isinstance(exc, stripe.APIConnectionError | httpx.HTTPError | OSError):
        return True
    if isinstance(exc, stripe.StripeError):
        return exc.http_status is None or exc.http_status >= 500 or exc.http_status == 429
    return True


class _HTTPXClient(stripe.HTTPXClient):
    """The SDK's httpx client, sending the encoded form as `content` (httpx deprecates `data=`
    for a ready-made body and warns on every request)."""

    def _get_request_args_kwargs(  # type: ignore[no-untyped-def]
        self, method: str, url: str, headers: Mapping[str, str], post_data
    ):
        args, kwargs = super()._get_request_args_kwargs(method, url, headers, post_data)
        if isinstance(kwargs.get("data"), str | bytes):
            kwargs["content"] = kwargs.pop("data")
        return args, kwargs


def _to_payment_event(event: Any) -> PaymentEvent:
    """Stripe's event in the store's terms; the types the store does not act on keep no data."""
    if not isinstance(event, dict):
        raise InvalidWebhookSignature()
    event_id, event_type = event.get("id"), event.get("type")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not (isinstance(event_id, str) and isinstance(event_type, str) and isinstance(obj, dict)):
        # Signed by Stripe yet not an event: refuse it like any unverifiable body.
        raise InvalidWebhookSignature()
    currency = obj.get("currency")
    currency = currency.upper() if isinstance(currency, str) else None
    if event_type.startswith("payment_intent."):
        amount = _int_or_none(obj.get("amount"))
        if event_type == PaymentEventType.SUCCEEDED:
            # What was actually collected; `amount` is only what was asked for. A zero received
            # amount stays zero, so it cannot pass for the order total.
            received = _int_or_none(obj.get("amount_received"))
            amount = received if received is not None else amount
        return PaymentEvent(event_id, event_type, _str_or_none(obj.get("id")), amount, currency)
    if event_type == PaymentEventType.REFUNDED:
        return PaymentEvent(
            event_id,
            event_type,
            _str_or_none(obj.get("payment_intent")),
            _int_or_none(obj.get("amount_refunded")),
            currency,
        )
    return PaymentEvent(event_id, event_type, intent_id=None)


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
