"""What the ordering steps ask of a driver: orders, their lifecycle, payment and expiry."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from dependency_injector import providers

from application.ordering.handle_payment_event import HandlePaymentEvent
from application.ordering.views import EventOutcome, OrderView, PaymentIntentView
from domain.payments import PaymentEvent
from tests.bdd.shared.outcome import Outcome
from tests.bdd.shared.system import System


@dataclass
class OrderFilters:
    """Order list parameters, None meaning "not given"."""

    user_id: str | None = None
    status: str | None = None
    sort: str | None = None
    page: int | None = None
    limit: int | None = None


def order_data(view: OrderView) -> dict[str, Any]:
    """An order as the HTTP API shows it."""
    return {
        "id": str(view.id),
        "userId": str(view.user_id),
        "status": str(view.status),
        "items": [
            {
                "productId": str(line.product_id),
                "name": line.name,
                "unitPriceCents": line.unit_price_cents,
                "quantity": line.quantity,
                "lineTotalCents": line.line_total_cents,
            }
            for line in view.lines
        ],
        "subtotalCents": view.subtotal_cents,
        "discountCents": view.discount_cents,
        "totalCents": view.total_cents,
        "currency": view.currency,
        "createdAt": view.created_at.isoformat(),
        "updatedAt": view.updated_at.isoformat(),
    }


def intent_data(view: PaymentIntentView) -> dict[str, Any]:
    """A started payment as the HTTP API shows it."""
    return {
        "provider": view.provider,
        "paymentIntentId": view.payment_intent_id,
        "clientSecret": view.client_secret,
        "amountCents": view.amount_cents,
        "currency": view.currency,
    }


class RecordingPaymentEvents:
    """Handles provider events as usual and remembers each one, so a spec can redeliver it."""

    def __init__(self, handler: HandlePaymentEvent, log: list[PaymentEvent]) -> None:
        self._handler = handler
        self._log = log

    async def __call__(self, event: PaymentEvent) -> EventOutcome:
        """Record the event, then handle it."""
        self._log.append(event)
        return await self._handler(event)


class OrderingDriver(ABC):
    """Ordering actions against one way into the system, reported as neutral outcomes."""

    def __init__(self, system: System) -> None:
        self.system = system
        container = system.container
        # Every provider event, however it arrives (sandbox or webhook), passes through here,
        # so "the provider confirms the payment again" can send the very same event twice.
        self.payment_events: list[PaymentEvent] = []
        container.ordering.handle_payment_event.override(
            providers.Factory(
                RecordingPaymentEvents,
                handler=providers.Factory(
                    HandlePaymentEvent,
                    uow=container.core.uow,
                    clock=container.core.clock,
                    emails=container.ordering.emails,
                ),
                log=self.payment_events,
            )
        )

    # --- operate: a back door through the use cases, same for both drivers ---------------

    def sweep_expired_orders(self) -> int:
        """Expire overdue orders as the worker does on its schedule (or `hexashop orders
        expire`); returns how many expired."""
        self.system.tick()
        container = self.system.container

        async def sweep() -> int:
            total = 0
            while expired := await container.ordering.expire_orders()():
                total += expired
            return total

        return self.system.run(sweep)

    def deliver_payment_event(self, event: PaymentEvent) -> str:
        """Hand one provider event to the store's event handler; returns its outcome.

        The HTTP driver does this too, through the container behind its app: the sandbox
        endpoints always mint a fresh event for the intent's own amount, so a redelivered or
        wrong-amount event can't be sent through them, and signing a real Stripe webhook would
        need the Stripe gateway. The webhook route itself, signatures included, is covered by
        tests/integration/test_http_webhooks.py; past the route it is this very handler.
        """
        self.system.tick()
        container = self.system.container

        async def deliver() -> str:
            return str(await container.ordering.handle_payment_event()(event))

        return self.system.run(deliver)

    def last_payment_event(self, event_type: str) -> PaymentEvent:
        """The newest provider event of this type the store handled."""
        matching = [e for e in self.payment_events if e.type == event_type]
        assert matching, f"no {event_type} event was delivered; got {self.payment_events}"
        return matching[-1]

    # --- act ------------------------------------------------------------------------------

    @abstractmethod
    def place_order(
        self,
        access: str | None,
        items: list[tuple[str, int]],
        idempotency_key: str | None = None,
    ) -> Outcome:
        """Order (product id, quantity) pairs, optionally with an idempotency key."""

    @abstractmethod
    def list_orders(self, access: str | None, filters: OrderFilters) -> Outcome:
        """One's own orders, or everyone's for an admin."""

    @abstractmethod
    def get_order(self, access: str | None, order_id: str) -> Outcome:
        """Look at one order."""

    @abstractmethod
    def cancel_order(self, access: str | None, order_id: str) -> Outcome:
        """Cancel a pending order."""

    @abstractmethod
    def ship_order(self, access: str | None, order_id: str) -> Outcome:
        """Staff ship a paid order."""

    @abstractmethod
    def refund_order(self, access: str | None, order_id: str) -> Outcome:
        """An admin refunds a paid or shipped order."""

    @abstractmethod
    def start_payment(self, access: str | None, order_id: str) -> Outcome:
        """The owner starts paying an order: the provider's intent."""

    @abstractmethod
    def settle_payment(self, intent_id: str, succeed: bool) -> Outcome:
        """The sandbox provider reports a payment as succeeded or failed."""
