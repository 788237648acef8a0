"""The sandbox payment provider's stand-in for Stripe: settle an intent by hand.

Mounted only when PAYMENT_PROVIDER=sandbox (see `router.ordering_router`); with Stripe these paths
don't exist (404).
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, post
from litestar.params import PathParameter

from application.ordering.simulate_payment import SimulatePayment
from entrypoints.http.dependencies import Injected
from entrypoints.http.openapi import SERVER_ERRORS, error_responses
from entrypoints.http.ordering.schemas import EventReceipt

IntentId = Annotated[
    str,
    PathParameter(
        name="paymentIntentId",
        max_length=255,
        description="The `paymentIntentId` from POST /orders/{id}/payment.",
    ),
]

_RESPONSES = error_responses(
    *SERVER_ERRORS,
    400,
    404,
    s400="The paymentIntentId is over 255 characters.",
    s404="No payment intent with this id.",
)
_DESCRIPTION = (
    "Anyone (this provider exists for development and demos). Drives exactly the code path "
    "of the Stripe webhook, with a new event id each call; answers like the webhook, with "
    "the `outcome` of the event."
)


class SandboxController(Controller):
    """Settle sandbox payment intents."""

    path = "/sandbox/payments"
    tags = ["sandbox"]

    @post(
        "/{paymentIntentId:str}/succeed",
        status_code=200,
        summary="Make a sandbox payment succeed",
        description="The order becomes paid and the customer gets the confirmation email. "
        + _DESCRIPTION,
        responses=_RESPONSES,
    )
    async def succeed(
        self, payment_intent_id: IntentId, simulate_payment: Injected[SimulatePayment]
    ) -> EventReceipt:
        """Simulate `payment_intent.succeeded`."""
        return EventReceipt.of(await simulate_payment(payment_intent_id, succeed=True))

    @post(
        "/{paymentIntentId:str}/fail",
        status_code=200,
        summary="Make a sandbox payment fail",
        description="The order stays pending and may be paid again. " + _DESCRIPTION,
        responses=_RESPONSES,
    )
    async def fail(
        self, payment_intent_id: IntentId, simulate_payment: Injected[SimulatePayment]
    ) -> EventReceipt:
        """Simulate `payment_intent.payment_failed`."""
        return EventReceipt.of(await simulate_payment(payment_intent_id, succeed=False))
