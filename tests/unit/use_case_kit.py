"""The production container on in-memory adapters and a frozen clock, for use-case unit tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count
from typing import Any
from uuid import UUID

from dependency_injector import containers, providers

from adapters.clock import FrozenClock
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.secret_tokens import UrlSafeSecretTokens
from application.accounts.ports import AccessTokens
from application.shared.actor import Actor
from domain.accounts import AccessClaims, Role, Tier, User
from domain.errors import InvalidAccessToken
from domain.messages import OutboxMessage
from entrypoints.containers import Container
from entrypoints.settings import Settings
from tests.support.containers import memory_adapters, use_case_provider
from tests.support.fakes import FastPasswordHasher, RecordingMailer

PASSWORD = "Sup3rSecret"

# What the kits' use cases are configured with (links in emails, retries per message).
KIT_SETTINGS = Settings(app_url="https://shop.test", outbox_max_attempts=3)


class FakeAccessTokens:
    """Access tokens as opaque counters mapped to their claims; expiry checked at decode."""

    def __init__(self, ttl_seconds: int = 900) -> None:
        self._ttl = ttl_seconds
        self._claims: dict[str, AccessClaims] = {}
        self._ids = count(1)

    @property
    def ttl_seconds(self) -> int:
        """How long a token lives."""
        return self._ttl

    def issue(self, user: User, session_id: UUID, now: datetime) -> str:
        """A new token for the user."""
        token = f"access-{next(self._ids)}"
        self._claims[token] = AccessClaims(
            user_id=user.id,
            role=user.role,
            issued_at=now,
            expires_at=now + timedelta(seconds=self._ttl),
            session_id=session_id,
        )
        return token

    def decode(self, token: str, now: datetime) -> AccessClaims:
        """The claims, or InvalidAccessToken when unknown or expired."""
        claims = self._claims.get(token)
        if claims is None or now >= claims.expires_at:
            raise InvalidAccessToken()
        return claims


@dataclass
class Kit:
    """The production wiring on one in-memory store, a frozen clock and fast fakes.

    Use cases are built by the container, each with its own unit of work: `kit.log_in()`
    is the provider of that name in whichever context has it, so keyword arguments override
    what it injects (`kit.dispatch_outbox(max_attempts=5)`).
    """

    store: MemoryStore = field(default_factory=MemoryStore)
    clock: FrozenClock = field(default_factory=FrozenClock)
    hasher: FastPasswordHasher = field(default_factory=FastPasswordHasher)
    secrets: UrlSafeSecretTokens = field(default_factory=UrlSafeSecretTokens)
    mailer: RecordingMailer = field(default_factory=RecordingMailer)
    access_tokens: AccessTokens = field(default_factory=FakeAccessTokens)
    password: str = PASSWORD
    container: Container = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.container = Container(settings=KIT_SETTINGS)
        self.container.core.override(self.adapters())

    def adapters(self) -> containers.DynamicContainer:
        """The kit's adapters, named like the core providers they replace."""
        fakes = memory_adapters(self.store)
        fakes.clock = providers.Object(self.clock)
        fakes.hasher = providers.Object(self.hasher)
        fakes.secrets = providers.Object(self.secrets)
        fakes.mailer = providers.Object(self.mailer)
        fakes.access_tokens = providers.Object(self.access_tokens)
        return fakes

    def __getattr__(self, name: str) -> Any:
        """A use case's provider by name (only called for names the kit itself lacks)."""
        if name.startswith("_") or name == "container":
            raise AttributeError(name)
        return use_case_provider(self.container, name)

    def uow(self) -> MemoryUnitOfWork:
        """A fresh unit of work, as the container's factory gives each use case."""
        return self.container.core.uow()

    @property
    def refresh_ttl(self) -> timedelta:
        """How long a refresh token lives."""
        return self.container.accounts.refresh_ttl()

    async def add_user(
        self,
        email: str = "ana@example.com",
        password: str = PASSWORD,
        *,
        role: Role = Role.CUSTOMER,
        verified: bool = True,
        active: bool = True,
        name: str | None = None,
    ) -> User:
        """Store a user directly, as if registered (and verified) earlier."""
        user = User.register(
            email,
            await self.hasher.hash(password),
            self.clock.now(),
            name=name,
            role=role,
            tier=Tier.STANDARD,
            email_verified=verified,
        )
        user.active = active
        self.store.users[user.id] = user
        # Later writes happen at a later instant, like in real life.
        self.clock.advance(timedelta(seconds=1))
        return user

    @staticmethod
    def actor(user: User, session_id: UUID | None = None) -> Actor:
        """The actor a request by this user would carry."""
        return Actor(user_id=user.id, role=user.role, session_id=session_id)

    # --- inspecting committed state --------------------------------------------------------

    def user(self, user_id: UUID) -> User:
        """The committed state of a user."""
        return self.store.users[user_id]

    def outbox(self) -> list[OutboxMessage]:
        """Every queued message, oldest first."""
        return sorted(self.store.outbox.values(), key=lambda m: m.created_at)

    def token_in_last_email(self, kind: str) -> str:
        """The one-time token in the newest queued email of this kind."""
        messages = [m for m in self.outbox() if m.message.kind == kind]
        assert messages, f"no {kind} email queued"
        match = re.search(r"token=([\w-]+)", messages[-1].message.text_body)
        assert match is not None
        return match.group(1)
