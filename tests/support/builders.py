"""Small builders for domain objects in persistence tests, with explicit UTC times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from domain.accounts import OneTimeToken, RefreshToken, Role, Tier, TokenPurpose, User
from domain.messages import EmailMessage, OutboxMessage

# Microseconds on purpose: every backend must keep them.
T0 = datetime(2026, 1, 31, 12, 0, 0, 123456, tzinfo=UTC)


def make_user(
    email: str = "ana@example.com",
    *,
    name: str | None = "Ana",
    role: Role = Role.CUSTOMER,
    active: bool = True,
    created_at: datetime = T0,
    user_id: UUID | None = None,
) -> User:
    """A verified user with a fake password hash."""
    user = User.register(
        email,
        f"hash-of-{email}",
        created_at,
        name=name,
        role=role,
        tier=Tier.STANDARD,
        email_verified=True,
    )
    user.active = active
    if user_id is not None:
        user.id = user_id
    return user


def make_one_time_token(
    user: User, token_hash: str | None = None, purpose: TokenPurpose = TokenPurpose.VERIFY_EMAIL
) -> OneTimeToken:
    """A fresh one-time token for the user."""
    return OneTimeToken.issue(user.id, purpose, token_hash or f"ott-{uuid4().hex}", T0)


def make_refresh_token(
    user: User, family_id: UUID | None = None, token_hash: str | None = None
) -> RefreshToken:
    """A fresh refresh token for the user, in a new family unless one is given."""
    return RefreshToken.issue(
        user.id, token_hash or f"rt-{uuid4().hex}", T0, timedelta(days=7), family_id=family_id
    )


def make_outbox_message(
    to: str = "ana@example.com", *, created_at: datetime = T0, subject: str = "Hello"
) -> OutboxMessage:
    """A pending message due at its creation time."""
    return OutboxMessage.new(
        EmailMessage(to=to, subject=subject, text_body=f"Body for {to}\nline 2", kind="test"),
        created_at,
    )


def is_utc(value: datetime | None) -> bool:
    """True for an aware datetime at UTC offset zero."""
    return value is not None and value.utcoffset() == timedelta(0)
