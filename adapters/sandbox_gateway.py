"""A local, in-process payment provider for development and demos: no network, no webhooks."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from uuid import UUID

from application.ordering.ports import CreatedIntent, PaymentGatewayError
from domain.payments import InvalidWebhookSignature, PaymentEvent


@dataclass(frozen=True)
class _IntentRequest:
    """What an idempotency key was first used for, to refuse reusing it for something else."""

    order_id: UUID
    amount_cents: int
    currency: str


@dataclass(frozen=True)
class _RefundRequest:
    intent_id: str
    amount_cents: int


class SandboxPaymentGateway:
    """Makes local intents and refunds; payments are settled through the sandbox endpoints."""

    def __init__(self) -> None:
        # Idempotency lives in memory only: across restarts the use case reuses the Payment it
        # stored, so the sandbox never needs to find an old intent again.
        self._intents: dict[str, tuple[_IntentRequest, CreatedIntent]] = {}
        self._refunds: dict[str, tuple[_RefundRequest, str]] = {}

    @property
    def name(self) -> str:
        """The provider's name as shown to clients."""
        return "sandbox"

    async def create_intent(
        self, order_id: UUID, amount_cents: int, currency: str, idempotency_key: str
    ) -> CreatedIntent:
        """A new local intent, or the one already made for this idempotency key."""
        request = _IntentRequest(order_id, amount_cents, currency.upper())
        known = self._intents.get(idempotency_key)
        if known is not None:
            _check_same_request(known[0], request)
            return known[1]
        intent_id = f"pi_sandbox_{secrets.token_hex(16)}"
        intent = CreatedIntent(
            intent_id=intent_id,
            client_secret=f"{intent_id}_secret_{secrets.token_urlsafe(18)}",
            amount_cents=amount_cents,
            currency=currency.upper(),
        )
        self._intents[idempotency_key] = (request, intent)
        return intent

    async def refund(self, intent_id: str, amount_cents: int, idempotency_key: str) -> str:
        """A local refund id, the same one for a repeated idempotency key."""
        request = _RefundRequest(intent_id, amount_cents)
        known = self._refunds.get(idempotency_key)
        if known is not None:
            _check_same_request(known[0], request)
            return known[1]
        refund_id = f"re_sandbox_{secrets.token_hex(16)}"
        self._refunds[idempotency_key] = (request, refund_id)
        return refund_id

    def parse_event(self, payload: bytes, signature: str | None) -> PaymentEvent:
        """Always refuse: the sandbox has no webhooks (its events come from its endpoints)."""
        raise InvalidWebhookSignature()

    async def check(self) -> None:
        """Always ready: nothing to reach."""


def _check_same_request(first: object, again: object) -> None:
    # Like Stripe: a key replays its first request's result, and only for the same request.
    if first != again:
        raise PaymentGatewayError(
            "Idempotency key reused with different parameters than its first request"
        )
