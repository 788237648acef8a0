"""Payment provider callbacks: Stripe's webhook, verified by its signature."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, post
from litestar.params import HeaderParameter, RawBody

from application.ordering.handle_payment_event import HandlePaymentEvent
from application.ordering.ports import PaymentGateway
from entrypoints.http.dependencies import Injected
from entrypoints.http.openapi import SERVER_ERRORS, error_responses
from entrypoints.http.ordering.schemas import EventReceipt

# Stripe's events are well under 64 KiB; the margin keeps a legitimately large event (many
# metadata keys, long descriptions) from being refused and retried forever.
WEBHOOK_MAX_BODY = 256 * 1024

StripeSignature = Annotated[
    str | None,
    HeaderParameter(
        name="Stripe-Signature",
        max_length=4096,
        description='`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with the '
        "endpoint's signing secret. Missing, wrong or older than 5 minutes: 400.",
    ),
]


class WebhooksController(Controller):
    """Events pushed by the payment provider."""

    path = "/webhooks"
    tags = ["webhooks"]

    @post(
        "/stripe",
        status_code=200,
        summary="Receive a Stripe event",
        description="The raw request body (Stripe's event JSON, exactly as sent: the signature "
        "covers these bytes) with the `Stripe-Signature` header. Handles "
        "`payment_intent.succeeded` (the order is paid and the customer emailed, when amount "
        "and currency match), `payment_intent.payment_failed` (the order stays pending) and "
        "`charge.refunded`. Every verified event is acknowledged with 200, including event "
        "ids already processed (nothing changes) and types the store ignores; `outcome` "
        "says which. Any content type is accepted.",
        request_max_body_size=WEBHOOK_MAX_BODY,
        responses=error_responses(
            *SERVER_ERRORS,
            400,
            413,
            s400="The signature is missing, malformed, wrong or stale, or the body is not an "
            "event.",
            s413="The body is over 256 KiB.",
        ),
    )
    async def stripe_event(
        self,
        body: RawBody,
        payment_gateway: Injected[PaymentGateway],
        handle_payment_event: Injected[HandlePaymentEvent],
        stripe_signature: StripeSignature = None,
    ) -> EventReceipt:
        """Verify and apply one Stripe event, exactly once."""
        event = payment_gateway.parse_event(body, stripe_signature)
        return EventReceipt.of(await handle_payment_event(event))
