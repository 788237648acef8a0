"""Accounts: users, roles, tiers, credentials rules and the tokens that prove who someone is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from domain.errors import (
    AccountDeactivated,
    EmailNotVerified,
    FieldError,
    LastAdminProtected,
    RateLimited,
    ValidationFailed,
)


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


class TokenPurpose(StrEnum):
    """What a one-time token may be redeemed for."""

    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"


# How long one-time tokens live, per the contract.
ONE_TIME_TOKEN_TTL = {
    TokenPurpose.VERIFY_EMAIL: timedelta(hours=24),
    TokenPurpose.RESET_PASSWORD: timedelta(minutes=30),
}

# A bare addr-spec and nothing else: the local part in RFC 5322 atext with single dots, the
# domain as dot-separated DNS labels. Anything a mail library could read as a display name,
# a group or a second address (`<`, `>`, `,`, `;`, `:`, quotes, parentheses, spaces) is
# refused, so a stored address can never be re-parsed into another recipient. Deliverability
# is proven by the verification email, not by a regex.
# Written once, in a syntax both Python and JSON Schema (ECMA 262) read, so the OpenAPI schema
# publishes exactly this rule.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TOP_LABEL = r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])"
EMAIL_PATTERN = rf"^{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+{_TOP_LABEL}$"
_EMAIL_RE = re.compile(EMAIL_PATTERN)
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 100


def is_bare_email(address: str) -> bool:
    """True for a lower-case `local@domain` with no display name, brackets or whitespace."""
    return len(address) <= MAX_EMAIL_LENGTH and _EMAIL_RE.fullmatch(address) is not None


def normalize_email(raw: str, field_name: str = "email") -> str:
    """Return the email lower-cased and trimmed, or raise a field error if it is not one."""
    email = raw.strip().lower()
    if not is_bare_email(email):
        raise ValidationFailed.of(field_name, "Invalid email format")
    return email


def normalize_name(raw: str | None, field_name: str = "name") -> str | None:
    """Return the display name trimmed (None when blank), or raise if it is too long."""
    if raw is None:
        return None
    name = raw.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed.of(field_name, f"Name must be at most {MAX_NAME_LENGTH} characters")
    return name or None


def password_problems(password: str, email: str | None) -> list[str]:
    """List every way the password breaks the policy (empty when it is acceptable)."""
    problems = []
    if not 8 <= len(password) <= 128:
        problems.append("Password must be 8 to 128 characters long")
    if not re.search(r"[a-z]", password):
        problems.append("Password must contain a lowercase letter")
    if not re.search(r"[A-Z]", password):
        problems.append("Password must contain an uppercase letter")
    if not re.search(r"\d", password):
        problems.append("Password must contain a digit")
    if email is not None and password.strip().lower() == email.strip().lower():
        problems.append("Password must not equal the email")
    return problems


def check_password_policy(password: str, email: str | None, field_name: str = "password") -> None:
    """Raise a field error naming the first broken password rule."""
    problems = password_problems(password, email)
    if problems:
        raise ValidationFailed(*(FieldError(field_name, p) for p in problems[:1]))


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
class AttemptLimit:
    """At most `max_attempts` attempts under one key within a sliding `window`."""

    max_attempts: int
    window: timedelta

    def retry_after(self, attempts: list[datetime], now: datetime) -> int:
        """Whole seconds until the oldest counted attempt leaves the window (at least 1)."""
        recent = sorted(at for at in attempts if at > now - self.window)
        if len(recent) < self.max_attempts:
            return 1
        # The window frees a slot when the oldest counted attempt expires.
        wait = recent[-self.max_attempts] + self.window - now
        return max(1, int(wait.total_seconds()) + 1)


# Login throttling: after this many failures for one email and client within the window,
# further attempts are refused until the oldest failure leaves the window. Attempts are
# reserved before the password is checked, so a burst cannot get more checks than this.
LOGIN_MAX_FAILURES = 5
LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
LOGIN_LIMIT = AttemptLimit(LOGIN_MAX_FAILURES, LOGIN_FAILURE_WINDOW)
# One client address trying many emails (credential stuffing, or exhausting the hashing
# queue with unknown emails): 20 failures across all emails per 15 minutes. Large enough
# for an office behind one NAT address mistyping now and then.
LOGIN_ADDRESS_LIMIT = AttemptLimit(20, timedelta(minutes=15))
# Wrong current passwords given to POST /me/password, per user.
PASSWORD_CHANGE_LIMIT = AttemptLimit(5, timedelta(minutes=15))
# Verification and reset emails per account and kind: the endpoints answer 202 regardless.
ACCOUNT_EMAIL_LIMIT = AttemptLimit(3, timedelta(hours=1))


def ensure_login_allowed(failures: list[datetime], now: datetime) -> None:
    """Raise RateLimited when recent failures reach the limit."""
    recent = [at for at in failures if at > now - LOGIN_FAILURE_WINDOW]
    if len(recent) >= LOGIN_MAX_FAILURES:
        raise RateLimited(LOGIN_LIMIT.retry_after(recent, now))


def login_throttle_key(email: str, client_ip: str | None) -> str:
    """The key failures are counted under: the normalized email and the client address."""
    return f"{email.strip().lower()}|{client_ip or '-'}"


def login_address_key(client_ip: str | None) -> str:
    """The key one client address's failures across every email are counted under."""
    return f"address|{client_ip or '-'}"


def password_change_key(user_id: UUID) -> str:
    """The key wrong current passwords of one user are counted under."""
    return f"password|{user_id}"


def account_email_key(user_id: UUID, purpose: TokenPurpose) -> str:
    """The key mailed tokens of one kind for one account are counted under."""
    return f"mail:{purpose.value}|{user_id}"


@dataclass(frozen=True)
class AccessClaims:
    """What a verified access token says about its bearer."""

    user_id: UUID
    role: Role
    issued_at: datetime
    expires_at: datetime
    session_id: UUID | None = field(default=None)
