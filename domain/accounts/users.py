"""Users: their roles and tiers, what they may do, and the rule that an admin remains."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from domain.errors import AccountDeactivated, EmailNotVerified, LastAdminProtected


class Role(StrEnum):
    """What a user may do."""

    ADMIN = "admin"
    EDITOR = "editor"
    CUSTOMER = "customer"


class Tier(StrEnum):
    """Customer loyalty tier; drives order discounts."""

    STANDARD = "standard"
    REGULAR = "regular"
    PREMIUM = "premium"


@dataclass
class User:
    """A person with an account. Never carries the plain password."""

    id: UUID
    email: str
    name: str | None
    password_hash: str
    role: Role
    tier: Tier
    email_verified: bool
    active: bool
    created_at: datetime
    updated_at: datetime
    # Access tokens issued before this instant are revoked (password reset, deactivation).
    tokens_valid_after: datetime | None = None

    @classmethod
    def register(
        cls,
        email: str,
        password_hash: str,
        now: datetime,
        name: str | None = None,
        role: Role = Role.CUSTOMER,
        tier: Tier = Tier.STANDARD,
        email_verified: bool = False,
    ) -> User:
        """Create a new account; customers start unverified and standard."""
        return cls(
            id=uuid4(),
            email=email,
            name=name,
            password_hash=password_hash,
            role=role,
            tier=tier,
            email_verified=email_verified,
            active=True,
            created_at=now,
            updated_at=now,
        )

    @property
    def is_active_admin(self) -> bool:
        """True for an admin who can still act as one."""
        return self.role is Role.ADMIN and self.active

    @property
    def is_staff(self) -> bool:
        """Admins and editors manage the store."""
        return self.role in (Role.ADMIN, Role.EDITOR)

    def ensure_can_log_in(self) -> None:
        """Refuse login for unverified or deactivated accounts."""
        if not self.active:
            raise AccountDeactivated()
        if not self.email_verified:
            raise EmailNotVerified()

    def verify_email(self, now: datetime) -> None:
        """Mark the email address as proven."""
        if not self.email_verified:
            self.email_verified = True
            self.updated_at = now

    def change_password_hash(
        self, password_hash: str, now: datetime, *, revoke_access_tokens: bool = True
    ) -> None:
        """Store a new password hash and, by default, revoke every access token issued before now.

        A user changing their own password keeps the session they are using, so that path
        passes `revoke_access_tokens=False` and revokes other logins' refresh tokens instead.
        """
        self.password_hash = password_hash
        if revoke_access_tokens:
            self.tokens_valid_after = now
        self.updated_at = now

    def deactivate(self, now: datetime) -> None:
        """Switch the account off and revoke every access token issued before now."""
        if self.active:
            self.active = False
            self.tokens_valid_after = now
            self.updated_at = now

    def accepts_access_token(self, issued_at: datetime) -> bool:
        """True when an access token issued at `issued_at` still speaks for this user.

        Access tokens carry their issue time to the microsecond, so the comparison is exact:
        a token issued even a moment before a revocation is refused.
        """
        if not self.active:
            return False
        if self.tokens_valid_after is None:
            return True
        return issued_at >= self.tokens_valid_after

    def touch(self, now: datetime) -> None:
        """Record a modification."""
        self.updated_at = now

    def snapshot(self) -> User:
        """A detached copy, so callers can compare before and after."""
        return replace(self)


def ensure_admin_remains(before: User, after: User | None, active_admins: int) -> None:
    """Refuse a change that would leave the store without an active admin.

    `after` is None when the user is being deleted. `active_admins` counts active admins
    before the change, including `before` itself when it is one.
    """
    if not before.is_active_admin:
        return
    still_admin = after is not None and after.is_active_admin
    if not still_admin and active_admins <= 1:
        raise LastAdminProtected()
