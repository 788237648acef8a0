"""Request and response bodies of the accounts endpoints (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from domain.accounts import EMAIL_PATTERN, MAX_EMAIL_LENGTH, MAX_NAME_LENGTH, Role, Tier
from entrypoints.http.schemas import PageResponse, ViewResponse

# A bare `local@domain`, checked on the wire with the domain's own pattern, so the schema says
# exactly what is refused.
Email = Annotated[
    str,
    msgspec.Meta(
        max_length=MAX_EMAIL_LENGTH,
        pattern=EMAIL_PATTERN,
        description="A bare address, `local@domain`; stored lower-cased.",
        examples=["ana@example.com"],
    ),
]
# Login takes any string: a malformed email is one that matches no account (401).
LoginEmail = Annotated[str, msgspec.Meta(max_length=MAX_EMAIL_LENGTH, examples=["ana@example.com"])]
Name = Annotated[str, msgspec.Meta(max_length=MAX_NAME_LENGTH, examples=["Ana"])]
# The password policy (domain.accounts.password_problems) as JSON Schema: the length, and one
# lowercase letter, one uppercase letter and one digit as lookaheads. The policy is applied
# by the domain, which names the broken rule; `[\s\S]` because passwords may hold newlines.
# Not expressible here: the password must not equal the email (also a 400).
PASSWORD_PATTERN = r"^(?=[\s\S]*[a-z])(?=[\s\S]*[A-Z])(?=[\s\S]*\d)"
NewPassword = Annotated[
    str,
    msgspec.Meta(
        max_length=128,
        description="8-128 characters with a lowercase letter, an uppercase letter and a "
        "digit; not the email.",
        extra_json_schema={"extra": {"min_length": 8, "pattern": PASSWORD_PATTERN}},
    ),
]
# An existing password (login, the current one): any string up to the policy's maximum.
Password = Annotated[str, msgspec.Meta(max_length=128)]
OpaqueToken = Annotated[str, msgspec.Meta(max_length=512)]


# --- requests ---------------------------------------------------------------------------------


class RegisterRequest(msgspec.Struct, rename="camel"):
    """Sign up."""

    email: Email
    password: NewPassword
    name: Name | None = None


class TokenRequest(msgspec.Struct, rename="camel"):
    """A one-time token from an email (verification)."""

    token: OpaqueToken


class EmailRequest(msgspec.Struct, rename="camel"):
    """Just an email address (resend verification, forgot password)."""

    email: Email


class LoginRequest(msgspec.Struct, rename="camel"):
    """Credentials."""

    email: LoginEmail
    password: Password


class RefreshTokenRequest(msgspec.Struct, rename="camel"):
    """A refresh token to rotate or end."""

    refresh_token: OpaqueToken


class ResetPasswordRequest(msgspec.Struct, rename="camel"):
    """A reset token and the new password."""

    token: OpaqueToken
    password: NewPassword


class UpdateProfileRequest(msgspec.Struct, rename="camel"):
    """Fields of one's own profile; absent fields stay as they are."""

    name: Name | None = None


class ChangePasswordRequest(msgspec.Struct, rename="camel"):
    """The current password and the new one."""

    current_password: Password
    new_password: NewPassword


class CreateUserRequest(msgspec.Struct, rename="camel"):
    """An admin creates an account (its email counts as verified)."""

    email: Email
    password: NewPassword
    name: Name | None = None
    role: Role = Role.CUSTOMER
    tier: Tier = Tier.STANDARD


class ReplaceUserRequest(msgspec.Struct, rename="camel"):
    """Every editable field of a user (PUT)."""

    email: Email
    name: Name | None
    role: Role
    tier: Tier
    active: bool


class PatchUserRequest(msgspec.Struct, rename="camel"):
    """Any subset of the editable fields of a user (PATCH); absent fields stay as they are."""

    email: Email | None = None
    name: Name | None = None
    role: Role | None = None
    tier: Tier | None = None
    active: bool | None = None


# --- responses --------------------------------------------------------------------------------


class UserResponse(ViewResponse, rename="camel"):
    """A user; never carries a password or hash."""

    id: UUID
    email: str
    name: str | None
    role: Role
    tier: Tier
    email_verified: bool
    active: bool
    created_at: datetime
    updated_at: datetime


class LoginResponse(ViewResponse, rename="camel"):
    """A token pair and the signed-in user (from a login's or a refresh's session)."""

    access_token: str
    refresh_token: str
    token_type: str
    expires_in: Annotated[int, msgspec.Meta(description="Seconds until the access token expires")]
    user: UserResponse


class UserPage(PageResponse[UserResponse]):
    """One page of users."""
