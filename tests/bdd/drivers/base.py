"""What every driver offers the steps: neutral outcomes and the shared test wiring."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlparse

from dependency_injector import providers

from adapters.clock import FrozenClock
from adapters.memory import RecordingMailer
from application.accounts.actor import Actor
from application.accounts.commands import (
    CreateUserCommand,
    RegisterUserCommand,
    UpdateUserCommand,
)
from domain.accounts import Role, Tier
from domain.messages import EmailMessage
from entrypoints.container import Container
from entrypoints.settings import Settings

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
    422: "unprocessable",
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


def spec_settings(**overrides: Any) -> Settings:
    """Settings for the specs: fixed signing key, no background worker."""
    values: dict[str, Any] = {
        "app_env": "test",
        "jwt_secret": SPEC_JWT_SECRET,
        "app_url": "http://shop.test",
        "run_worker_in_process": False,
        "database_url": "sqlite+aiosqlite:///:memory:",
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
        container.clock.override(providers.Object(clock))
        container.mailer.override(providers.Object(self.mailer))

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
                view = await self.container.create_user()(
                    system,
                    CreateUserCommand(email, password, name, Role(role), Tier(tier)),
                )
            else:
                view = await self.container.register_user()(
                    RegisterUserCommand(email, password, name)
                )
            changes: dict[str, Any] = {}
            if not verified and (role != "customer" or tier != "standard"):
                changes.update(role=Role(role), tier=Tier(tier))
            if not active:
                changes["active"] = False
            if changes:
                await self.container.update_user()(
                    system, UpdateUserCommand(user_id=view.id, **changes)
                )
            return str(view.id)

        return self.run(seed)

    # --- email ----------------------------------------------------------------------------

    def sent_emails(self) -> list[EmailMessage]:
        """Deliver the outbox through the dispatcher, then list every email sent so far."""

        async def drain() -> None:
            while (await self.container.dispatch_outbox()()).attempted:
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
