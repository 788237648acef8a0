"""The in-memory adapters every use-case unit test runs on, and a fake for access tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count
from uuid import UUID

from adapters.clock import FrozenClock
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.secret_tokens import UrlSafeSecretTokens
from application.accounts.authenticate import Authenticate
from application.accounts.change_password import ChangePassword
from application.accounts.create_user import CreateUser
from application.accounts.delete_user import DeleteUser
from application.accounts.emails import AccountEmails
from application.accounts.forgot_password import ForgotPassword
from application.accounts.get_profile import GetProfile
from application.accounts.get_user import GetUser, GetUserByEmail
from application.accounts.list_users import ListUsers
from application.accounts.log_in import LogIn
from application.accounts.log_out import LogOut
from application.accounts.ports import AccessTokens
from application.accounts.refresh_session import RefreshSession
from application.accounts.register_user import RegisterUser
from application.accounts.resend_verification import ResendVerification
from application.accounts.reset_password import ResetPassword
from application.accounts.update_profile import UpdateProfile
from application.accounts.update_user import UpdateUser
from application.accounts.verify_email import VerifyEmail
from application.messaging.dispatch_outbox import DEFAULT_LEASE, DispatchOutbox
from application.messaging.ports import Mailer
from application.shared.actor import Actor
from domain.accounts import AccessClaims, Role, Tier, User
from domain.errors import InvalidAccessToken
from domain.messages import OutboxMessage
from tests.support.fakes import FastPasswordHasher, RecordingMailer

PASSWORD = "Sup3rSecret"


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
    """Everything a use case needs, sharing one store and one frozen clock."""

    store: MemoryStore = field(default_factory=MemoryStore)
    clock: FrozenClock = field(default_factory=FrozenClock)
    hasher: FastPasswordHasher = field(default_factory=FastPasswordHasher)
    secrets: UrlSafeSecretTokens = field(default_factory=UrlSafeSecretTokens)
    mailer: RecordingMailer = field(default_factory=RecordingMailer)
    access_tokens: AccessTokens = field(default_factory=FakeAccessTokens)
    emails: AccountEmails = field(default_factory=lambda: AccountEmails("https://shop.test"))
    password: str = PASSWORD
    refresh_ttl: timedelta = timedelta(days=7)

    def uow(self) -> MemoryUnitOfWork:
        """A fresh unit of work, as the container's factory gives each use case."""
        return MemoryUnitOfWork(self.store)

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

    # --- use cases, each with its own unit of work like the container builds them ---------

    def register_user(self) -> RegisterUser:
        """RegisterUser."""
        return RegisterUser(self.uow(), self.hasher, self.secrets, self.clock, self.emails)

    def verify_email(self) -> VerifyEmail:
        """VerifyEmail."""
        return VerifyEmail(uow=self.uow(), secrets=self.secrets, clock=self.clock)

    def resend_verification(self) -> ResendVerification:
        """ResendVerification."""
        return ResendVerification(
            uow=self.uow(), secrets=self.secrets, clock=self.clock, emails=self.emails
        )

    def log_in(self) -> LogIn:
        """LogIn."""
        return LogIn(
            uow=self.uow(),
            read_uow=MemoryUnitOfWork(self.store, read_only=True),
            hasher=self.hasher,
            secrets=self.secrets,
            access_tokens=self.access_tokens,
            clock=self.clock,
            refresh_ttl=self.refresh_ttl,
        )

    def refresh_session(self) -> RefreshSession:
        """RefreshSession."""
        return RefreshSession(
            uow=self.uow(),
            secrets=self.secrets,
            access_tokens=self.access_tokens,
            clock=self.clock,
            refresh_ttl=self.refresh_ttl,
        )

    def log_out(self) -> LogOut:
        """LogOut."""
        return LogOut(uow=self.uow(), secrets=self.secrets, clock=self.clock)

    def forgot_password(self) -> ForgotPassword:
        """ForgotPassword."""
        return ForgotPassword(
            uow=self.uow(), secrets=self.secrets, clock=self.clock, emails=self.emails
        )

    def reset_password(self) -> ResetPassword:
        """ResetPassword."""
        return ResetPassword(
            uow=self.uow(), hasher=self.hasher, secrets=self.secrets, clock=self.clock
        )

    def authenticate(self) -> Authenticate:
        """Authenticate."""
        return Authenticate(uow=self.uow(), access_tokens=self.access_tokens, clock=self.clock)

    def get_profile(self) -> GetProfile:
        """GetProfile."""
        return GetProfile(uow=self.uow())

    def update_profile(self) -> UpdateProfile:
        """UpdateProfile."""
        return UpdateProfile(uow=self.uow(), clock=self.clock)

    def change_password(self) -> ChangePassword:
        """ChangePassword."""
        return ChangePassword(uow=self.uow(), hasher=self.hasher, clock=self.clock)

    def list_users(self) -> ListUsers:
        """ListUsers."""
        return ListUsers(uow=self.uow())

    def create_user(self) -> CreateUser:
        """CreateUser."""
        return CreateUser(uow=self.uow(), hasher=self.hasher, clock=self.clock)

    def get_user(self) -> GetUser:
        """GetUser."""
        return GetUser(uow=self.uow())

    def get_user_by_email(self) -> GetUserByEmail:
        """GetUserByEmail."""
        return GetUserByEmail(uow=self.uow())

    def update_user(self) -> UpdateUser:
        """UpdateUser."""
        return UpdateUser(uow=self.uow(), clock=self.clock)

    def delete_user(self) -> DeleteUser:
        """DeleteUser."""
        return DeleteUser(uow=self.uow(), clock=self.clock)

    def dispatch_outbox(
        self,
        max_attempts: int = 3,
        batch_size: int = 50,
        mailer: Mailer | None = None,
        lease: timedelta = DEFAULT_LEASE,
    ) -> DispatchOutbox:
        """DispatchOutbox."""
        return DispatchOutbox(
            uow=self.uow(),
            mailer=mailer or self.mailer,
            clock=self.clock,
            max_attempts=max_attempts,
            batch_size=batch_size,
            lease=lease,
        )

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
