"""Inputs of the account use cases, in business terms (plain strings; rules live in the domain)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.shared.paging import PageRequest
from domain.accounts import Role, Tier


@dataclass(frozen=True)
class RegisterUserCommand:
    """Sign up with email and password."""

    email: str
    password: str
    name: str | None = None


@dataclass(frozen=True)
class VerifyEmailCommand:
    """Redeem a verification token."""

    token: str


@dataclass(frozen=True)
class ResendVerificationCommand:
    """Ask for a new verification email."""

    email: str


@dataclass(frozen=True)
class LogInCommand:
    """Exchange credentials for a session."""

    email: str
    password: str
    client_ip: str | None = None


@dataclass(frozen=True)
class RefreshSessionCommand:
    """Rotate a refresh token."""

    refresh_token: str


@dataclass(frozen=True)
class LogOutCommand:
    """End the login a refresh token belongs to."""

    refresh_token: str


@dataclass(frozen=True)
class ForgotPasswordCommand:
    """Ask for a password reset email."""

    email: str


@dataclass(frozen=True)
class ResetPasswordCommand:
    """Set a new password with a reset token."""

    token: str
    password: str


@dataclass(frozen=True)
class UpdateProfileCommand:
    """Change one's own profile; None leaves a field as it is."""

    name: str | None = None


@dataclass(frozen=True)
class ChangePasswordCommand:
    """Change one's own password, proving the current one."""

    current_password: str
    new_password: str


@dataclass(frozen=True)
class ListUsersQuery:
    """Admin user list filters; `sort` is `field` or `-field` over createdAt, email, name."""

    search: str | None = None
    role: Role | None = None
    active: bool | None = None
    sort: str | None = None
    page: PageRequest = PageRequest()  # noqa: RUF009 - frozen, so sharing it is safe


@dataclass(frozen=True)
class CreateUserCommand:
    """An admin creates an account (email already verified)."""

    email: str
    password: str
    name: str | None = None
    role: Role = Role.CUSTOMER
    tier: Tier = Tier.STANDARD


@dataclass(frozen=True)
class UpdateUserCommand:
    """An admin changes a user; None leaves a field as it is. PUT sends every field."""

    user_id: UUID
    email: str | None = None
    name: str | None = None
    role: Role | None = None
    tier: Tier | None = None
    active: bool | None = None
    email_verified: bool | None = None
