"""The tokens that prove who someone is: mailed one-time tokens, refresh tokens, and the
claims of a verified access token."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from domain.accounts.users import Role


class TokenPurpose(StrEnum):
    """What a one-time token may be redeemed for."""

    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"


# How long one-time tokens live, per the contract.
ONE_TIME_TOKEN_TTL = {
    TokenPurpose.VERIFY_EMAIL: timedelta(hours=24),
    TokenPurpose.RESET_PASSWORD: timedelta(minutes=30),
}


@dataclass
class OneTimeToken:
    """A single-use secret mailed to a user (verify email, reset password); stored hashed."""

    id: UUID
    user_id: UUID
    purpose: TokenPurpose
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    @classmethod
    def issue(
        cls, user_id: UUID, purpose: TokenPurpose, token_hash: str, now: datetime
    ) -> OneTimeToken:
        """Create a token that expires after its purpose's lifetime."""
        return cls(
            id=uuid4(),
            user_id=user_id,
            purpose=purpose,
            token_hash=token_hash,
            created_at=now,
            expires_at=now + ONE_TIME_TOKEN_TTL[purpose],
        )

    def is_redeemable(self, purpose: TokenPurpose, now: datetime) -> bool:
        """True when unused, unexpired and meant for this purpose."""
        return self.purpose is purpose and self.used_at is None and now < self.expires_at


@dataclass
class RefreshToken:
    """One link of a login's refresh-token chain; stored hashed.

    All tokens of one login share a `family_id`. Rotation marks the presented token
    `rotated_at`; presenting a rotated token again revokes the whole family.
    """

    id: UUID
    user_id: UUID
    family_id: UUID
    token_hash: str
    created_at: datetime
    expires_at: datetime
    rotated_at: datetime | None = None
    revoked_at: datetime | None = None

    @classmethod
    def issue(
        cls,
        user_id: UUID,
        token_hash: str,
        now: datetime,
        ttl: timedelta,
        family_id: UUID | None = None,
    ) -> RefreshToken:
        """Create a refresh token, starting a new login family unless one is given."""
        return cls(
            id=uuid4(),
            user_id=user_id,
            family_id=family_id or uuid4(),
            token_hash=token_hash,
            created_at=now,
            expires_at=now + ttl,
        )

    def is_usable(self, now: datetime) -> bool:
        """True when neither rotated, revoked nor expired."""
        return self.rotated_at is None and self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True)
class AccessClaims:
    """What a verified access token says about its bearer."""

    user_id: UUID
    role: Role
    issued_at: datetime
    expires_at: datetime
    session_id: UUID | None = field(default=None)
