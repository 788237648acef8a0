"""What every driver offers the steps: neutral outcomes and the shared test wiring."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlparse
from uuid import UUID

from dependency_injector import providers

from adapters.clock import FrozenClock
from application.accounts.commands import (
    CreateUserCommand,
    RegisterUserCommand,
    UpdateUserCommand,
)
from application.catalog.commands import CreateProductCommand
from application.ordering.handle_payment_event import HandlePaymentEvent
from application.ordering.views import EventOutcome
from application.shared.actor import Actor
from domain.accounts import Role, Tier
from domain.catalog import ProductNotFound
from domain.messages import EmailMessage
from domain.payments import PaymentEvent
from entrypoints.containers import Container
from entrypoints.settings import Settings
from tests.bdd.drivers.shapes import product_data
from tests.support.fakes import RecordingMailer

T = TypeVar("T")

# Long enough for HS256 and for the settings rule (at least 32 characters).
SPEC_JWT_SECRET = "bdd-specs-signing-key-0123456789abcdef"

# Every refusal the specs can name, with the HTTP status the contract gives it.
REFUSAL_BY_STATUS = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not found",
    409: "conflict",
    422: "business rule",
    429: "rate limited",
}


def field_key(name: str) -> str:
    """Compare field names loosely: "newPassword", "new_password" and "new password" match."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class Outcome:
    """What came back from one business action, in terms both drivers share.

    `data` holds the result with the contract's camelCase field names; `refusal` names
    why the action was refused (see REFUSAL_BY_STATUS), with the fields at fault.
    """

    data: Any = None
    refusal: str | None = None
    fields: tuple[str, ...] = ()
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when the action was carried out."""
        return self.refusal is None

    def describe(self) -> str:
        """A one-line summary for assertion messages."""
        if self.ok:
            return f"success with {self.data!r}"
        return f"refusal '{self.refusal}' ({self.message}; fields {list(self.fields)})"


@dataclass
class UserFilters:
    """Admin user-list parameters, None meaning "not given"."""

    search: str | None = None
    role: str | None = None
    active: bool | None = None
    sort: str | None = None
    page: int | None = None
    limit: int | None = None


@dataclass
class ProductFilters:
    """Catalog list parameters (prices in cents), None meaning "not given"."""

    search: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool | None = None
    sort: str | None = None
    page: int | None = None
    limit: int | None = None


@dataclass
class OrderFilters:
    """Order list parameters, None meaning "not given"."""

    user_id: str | None = None
    status: str | None = None
    sort: str | None = None
    page: int | None = None
    limit: int | None = None


class RecordingPaymentEvents:
    """Handles provider events as usual and remembers each one, so a spec can redeliver it."""

    def __init__(self, handler: HandlePaymentEvent, log: list[PaymentEvent]) -> None:
        self._handler = handler
        self._log = log

    async def __call__(self, event: PaymentEvent) -> EventOutcome:
        """Record the event, then handle it."""
        self._log.append(event)
        return await self._handler(event)


def spec_settings(**overrides: Any) -> Settings:
    """Settings for the specs: fixed signing key, no background worker."""
    values: dict[str, Any] = {
        "app_env": "test",
        "jwt_secret": SPEC_JWT_SECRET,
        "app_url": "http://shop.test",
        "run_worker_in_process": False,
        "database_url": "sqlite+aiosqlite:///:memory:",
        # Scenarios log in many times from one address; the HTTP rate limit has its own tests.
        "rate_limit_enabled": False,
    }
    values.update(overrides)
    return Settings(**values)


def token_in(message: EmailMessage) -> str:
    """The one-time token carried by the link in an account email."""
    match = re.search(r"https?://\S+", message.text_body)
    assert match, f"no link in the email {message.subject!r}"
    tokens = parse_qs(urlparse(match.group(0)).query).get("token")
    assert tokens, f"no token in the link {match.group(0)!r}"
    return tokens[0]


class Driver(ABC):
    """Runs business actions against one way into the system and reports neutral outcomes.

    Time is a frozen clock that moves one second before every action, so events get
    distinct, ordered timestamps as they would in real life.
    """

    def __init__(self, container: Container, clock: FrozenClock) -> None:
        self.container = container
        self.clock = clock
        self.mailer = RecordingMailer()
        container.core.clock.override(providers.Object(clock))
        container.core.mailer.override(providers.Object(self.mailer))
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

    # --- plumbing -------------------------------------------------------------------------

    @abstractmethod
    def run(self, make: Callable[[], Awaitable[T]]) -> T:
        """Run a coroutine on the loop the container's adapters live on."""

    def tick(self) -> None:
        """Let a second pass between actions."""
        self.clock.advance(timedelta(seconds=1))

    def advance_clock(self, delta: timedelta) -> None:
        """Let time pass."""
        self.clock.advance(delta)

    def close(self) -> None:  # noqa: B027 - optional hook, most drivers hold nothing
        """Release whatever the driver holds."""

    # --- arrange: a back door through the use cases, same for both drivers ---------------

    def seed_user(
        self,
        email: str,
        password: str,
        *,
        name: str | None = None,
        role: str = "customer",
        tier: str = "standard",
        verified: bool = True,
        active: bool = True,
    ) -> str:
        """Create an account directly (as the CLI operator would) and return its id."""
        self.tick()
        system = Actor.system()

        async def seed() -> str:
            if verified:
                view = await self.container.accounts.create_user()(
                    system,
                    CreateUserCommand(email, password, name, Role(role), Tier(tier)),
                )
            else:
                view = await self.container.accounts.register_user()(
                    RegisterUserCommand(email, password, name)
                )
            changes: dict[str, Any] = {}
            if not verified and (role != "customer" or tier != "standard"):
                changes.update(role=Role(role), tier=Tier(tier))
            if not active:
                changes["active"] = False
            if changes:
                await self.container.accounts.update_user()(
                    system, UpdateUserCommand(user_id=view.id, **changes)
                )
            return str(view.id)

        return self.run(seed)

    def seed_product(self, name: str, price_cents: int, stock: int, *, active: bool = True) -> str:
        """Add a product directly (as the CLI operator would) and return its id."""
        self.tick()
        cmd = CreateProductCommand(name, price_cents, stock, active=active)

        async def seed() -> str:
            view = await self.container.catalog.create_product()(Actor.system(), cmd)
            return str(view.id)

        return self.run(seed)

    # --- observe and operate: the same back door for both drivers ------------------------

    def product_state(self, product_id: str) -> dict[str, Any] | None:
        """A product as staff see it, None when it no longer exists."""

        async def read() -> dict[str, Any] | None:
            try:
                view = await self.container.catalog.get_product()(Actor.system(), UUID(product_id))
            except ProductNotFound:
                return None
            return product_data(view)

        return self.run(read)

    def sweep_expired_orders(self) -> int:
        """Expire overdue orders as the worker does on its schedule (or `hexashop orders
        expire`); returns how many expired."""
        self.tick()

        async def sweep() -> int:
            total = 0
            while expired := await self.container.ordering.expire_orders()():
                total += expired
            return total

        return self.run(sweep)

    def deliver_payment_event(self, event: PaymentEvent) -> str:
        """Hand one provider event to the store's event handler; returns its outcome.

        The HTTP driver does this too, through the container behind its app: the sandbox
        endpoints always mint a fresh event for the intent's own amount, so a redelivered or
        wrong-amount event can't be sent through them, and signing a real Stripe webhook would
        need the Stripe gateway. The webhook route itself, signatures included, is covered by
        tests/integration/test_http_webhooks.py; past the route it is this very handler.
        """
        self.tick()

        async def deliver() -> str:
            return str(await self.container.ordering.handle_payment_event()(event))

        return self.run(deliver)

    def last_payment_event(self, event_type: str) -> PaymentEvent:
        """The newest provider event of this type the store handled."""
        matching = [e for e in self.payment_events if e.type == event_type]
        assert matching, f"no {event_type} event was delivered; got {self.payment_events}"
        return matching[-1]

    # --- email ----------------------------------------------------------------------------

    def sent_emails(self) -> list[EmailMessage]:
        """Deliver the outbox through the dispatcher, then list every email sent so far."""

        async def drain() -> None:
            while (await self.container.messaging.dispatch_outbox()()).attempted:
                pass

        self.run(drain)
        return list(self.mailer.sent)

    def emails_to(self, to: str, subject: str | None = None) -> list[EmailMessage]:
        """Emails sent to one address, optionally with one subject, oldest first."""
        return [
            m
            for m in self.sent_emails()
            if m.to == to.lower() and (subject is None or m.subject == subject)
        ]

    def token_from_last_email(self, to: str, subject: str) -> str:
        """The token in the newest email with this subject sent to this address."""
        emails = self.emails_to(to, subject)
        assert emails, f"no email {subject!r} was sent to {to}"
        return token_in(emails[-1])

    # --- act ------------------------------------------------------------------------------

    @abstractmethod
    def register(self, email: str, password: str, name: str | None = None) -> Outcome:
        """Sign up."""

    @abstractmethod
    def verify_email(self, token: str) -> Outcome:
        """Redeem a verification token."""

    @abstractmethod
    def resend_verification(self, email: str) -> Outcome:
        """Ask for a new verification email."""

    @abstractmethod
    def login(self, email: str, password: str, ip: str) -> Outcome:
        """Log in from a client address."""

    @abstractmethod
    def refresh(self, refresh_token: str) -> Outcome:
        """Rotate a refresh token."""

    @abstractmethod
    def logout(self, refresh_token: str) -> Outcome:
        """End the login of a refresh token."""

    @abstractmethod
    def forgot_password(self, email: str) -> Outcome:
        """Ask for a password reset email."""

    @abstractmethod
    def reset_password(self, token: str, password: str) -> Outcome:
        """Choose a new password with a reset token."""

    @abstractmethod
    def me(self, access: str | None) -> Outcome:
        """One's own profile."""

    @abstractmethod
    def update_me(self, access: str | None, name: str) -> Outcome:
        """Rename oneself."""

    @abstractmethod
    def change_password(self, access: str | None, current: str, new: str) -> Outcome:
        """Change one's own password."""

    @abstractmethod
    def list_users(self, access: str | None, filters: UserFilters) -> Outcome:
        """The admin user list."""

    @abstractmethod
    def create_user(
        self,
        access: str | None,
        email: str,
        password: str,
        name: str | None = None,
        role: str | None = None,
        tier: str | None = None,
    ) -> Outcome:
        """An admin creates an account."""

    @abstractmethod
    def get_user(self, access: str | None, user_id: str) -> Outcome:
        """An admin views an account."""

    @abstractmethod
    def update_user(self, access: str | None, user_id: str, changes: dict[str, Any]) -> Outcome:
        """An admin changes some fields (camelCase names) of an account."""

    @abstractmethod
    def delete_user(self, access: str | None, user_id: str) -> Outcome:
        """An admin deletes an account."""

    # --- catalog --------------------------------------------------------------------------

    @abstractmethod
    def create_product(self, access: str | None, fields: dict[str, Any]) -> Outcome:
        """Staff add a product (camelCase fields: name, priceCents, stock, active...)."""

    @abstractmethod
    def update_product(
        self, access: str | None, product_id: str, changes: dict[str, Any]
    ) -> Outcome:
        """Staff change some fields (camelCase names) of a product."""

    @abstractmethod
    def adjust_stock(self, access: str | None, product_id: str, delta: int) -> Outcome:
        """Staff add or remove stock."""

    @abstractmethod
    def delete_product(self, access: str | None, product_id: str) -> Outcome:
        """An admin deletes a product."""

    @abstractmethod
    def list_products(self, access: str | None, filters: ProductFilters) -> Outcome:
        """Browse the catalog."""

    @abstractmethod
    def get_product(self, access: str | None, product_id: str) -> Outcome:
        """Look at one product."""

    # --- orders and payments ----------------------------------------------------------------

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
