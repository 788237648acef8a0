"""The kit for catalog, ordering and payment use cases: the accounts kit plus a fake gateway."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count
from uuid import UUID

from dependency_injector import containers, providers
from use_case_kit import Kit

from application.ordering.commands import PlaceOrderCommand
from application.ordering.ports import CreatedIntent, PaymentGatewayError
from application.ordering.views import OrderView
from application.shared.actor import Actor
from domain.accounts import Role, Tier, User
from domain.catalog import Product
from domain.messages import OutboxMessage
from domain.ordering import Order, RequestedItem
from domain.payments import Payment, PaymentEvent, PaymentEventType


class FakePaymentGateway:
    """A provider that answers from memory: intents per idempotency key, refunds recorded."""

    def __init__(self) -> None:
        self.down = False
        self.intents: dict[str, CreatedIntent] = {}
        self.refunds: dict[str, tuple[str, int]] = {}
        self.create_calls = 0
        self._ids = count(1)

    @property
    def name(self) -> str:
        """The provider name shown to clients."""
        return "fake"

    async def create_intent(
        self, order_id: UUID, amount_cents: int, currency: str, idempotency_key: str
    ) -> CreatedIntent:
        """A new intent, or the one created earlier under the same key."""
        self.create_calls += 1
        if self.down:
            raise PaymentGatewayError("fake provider is down")
        if idempotency_key not in self.intents:
            intent_id = f"pi_fake_{next(self._ids)}"
            self.intents[idempotency_key] = CreatedIntent(
                intent_id, f"{intent_id}_secret", amount_cents, currency.lower()
            )
        return self.intents[idempotency_key]

    async def refund(self, intent_id: str, amount_cents: int, idempotency_key: str) -> str:
        """Record one refund per key."""
        if self.down:
            raise PaymentGatewayError("fake provider is down")
        self.refunds.setdefault(idempotency_key, (intent_id, amount_cents))
        return f"re_{idempotency_key}"

    def parse_event(self, payload: bytes, signature: str | None) -> PaymentEvent:
        """Events are plain JSON here; signatures are not checked."""
        return PaymentEvent(**json.loads(payload))


@dataclass
class ShopKit(Kit):
    """The accounts kit plus products, orders and payments."""

    gateway: FakePaymentGateway = field(default_factory=FakePaymentGateway)
    _event_ids: count[int] = field(default_factory=lambda: count(1))

    def adapters(self) -> containers.DynamicContainer:
        """The accounts kit's adapters and the fake payment gateway."""
        fakes = super().adapters()
        fakes.payment_gateway = providers.Object(self.gateway)
        return fakes

    # --- arranging ------------------------------------------------------------------------

    async def add_product(
        self, name: str = "Blue Mug", price_cents: int = 900, stock: int = 10, active: bool = True
    ) -> Product:
        """Store a product directly."""
        product = Product.create(name, price_cents, stock, self.clock.now(), active=active)
        self.store.products[product.id] = product
        self.clock.advance(timedelta(seconds=1))
        return product

    async def add_customer(
        self, email: str = "ana@example.com", tier: Tier = Tier.STANDARD
    ) -> Actor:
        """Store a verified customer and return the actor acting for them."""
        user = await self.add_user(email)
        self.store.users[user.id].tier = tier
        return self.actor(user)

    async def add_staff(self, role: Role, email: str | None = None) -> Actor:
        """Store a staff member and return their actor."""
        user: User = await self.add_user(email or f"{role}@shop.test", role=role)
        return self.actor(user)

    async def place(
        self, actor: Actor, *items: tuple[Product, int], key: str | None = None
    ) -> OrderView:
        """Place an order for (product, quantity) pairs."""
        cmd = PlaceOrderCommand(
            tuple(RequestedItem(p.id, q) for p, q in items), idempotency_key=key
        )
        return await self.place_order()(actor, cmd)

    async def paid_order(self, actor: Actor, product: Product, quantity: int = 2) -> Order:
        """An order that was placed, had a payment started and succeeded."""
        order = await self.place(actor, (product, quantity))
        await self.start_payment()(actor, order.id)
        await self.handle_payment_event()(self.event(order.id, PaymentEventType.SUCCEEDED))
        return self.order(order.id)

    def event(
        self,
        order_id: UUID,
        type_: str,
        amount_cents: int | None = None,
        currency: str | None = None,
        event_id: str | None = None,
    ) -> PaymentEvent:
        """A provider event for the order's payment, matching it unless told otherwise."""
        payment = self.payment(order_id)
        return PaymentEvent(
            event_id=event_id or f"evt_{next(self._event_ids)}",
            type=str(type_),
            intent_id=payment.intent_id,
            amount_cents=payment.amount_cents if amount_cents is None else amount_cents,
            currency=(currency or payment.currency).lower(),  # Stripe sends lower case
        )

    # --- inspecting committed state --------------------------------------------------------

    def product(self, product_id: UUID) -> Product:
        """The committed state of a product."""
        return self.store.products[product_id]

    def order(self, order_id: UUID) -> Order:
        """The committed state of an order."""
        return self.store.orders[order_id]

    def payment(self, order_id: UUID) -> Payment:
        """The committed payment of an order."""
        return self.store.payments[order_id]

    def emails_of_kind(self, kind: str) -> list[OutboxMessage]:
        """Queued messages of one kind, oldest first."""
        return [m for m in self.outbox() if m.message.kind == kind]
