"""Sign-up, email verification, sessions and password recovery."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.params import JSONBody

from application.accounts.commands import (
    ForgotPasswordCommand,
    LogInCommand,
    LogOutCommand,
    RefreshSessionCommand,
    RegisterUserCommand,
    ResendVerificationCommand,
    ResetPasswordCommand,
    VerifyEmailCommand,
)
from application.accounts.forgot_password import ForgotPassword
from application.accounts.log_in import LogIn
from application.accounts.log_out import LogOut
from application.accounts.refresh_session import RefreshSession
from application.accounts.register_user import RegisterUser
from application.accounts.resend_verification import ResendVerification
from application.accounts.reset_password import ResetPassword
from application.accounts.verify_email import VerifyEmail
from entrypoints.http.accounts.schemas import (
    EmailRequest,
    LoginRequest,
    LoginResponse,
    RefreshTokenRequest,
    RegisterRequest,
    ResetPasswordRequest,
    TokenRequest,
    UserResponse,
)
from entrypoints.http.dependencies import Injected, client_ip
from entrypoints.http.guards import require_strict_json_body
from entrypoints.http.openapi import (
    HASH_QUEUE_FULL,
    JSON_BODY_ERRORS,
    SERVER_ERRORS,
    error_responses,
)

_COMMON = (*JSON_BODY_ERRORS, *SERVER_ERRORS)


class AuthController(Controller):
    """Anonymous endpoints that create accounts and sessions."""

    path = "/auth"
    tags = ["auth"]
    before_request = staticmethod(require_strict_json_body)
    request_max_body_size = 64 * 1024

    @post(
        "/register",
        status_code=201,
        summary="Register a customer account",
        description="Creates an unverified customer and emails a verification link (24 h).",
        responses=error_responses(
            *_COMMON, 409, 429, s409="The email is already registered.", s429=HASH_QUEUE_FULL
        ),
    )
    async def register(
        self, data: JSONBody[RegisterRequest], register_user: Injected[RegisterUser]
    ) -> UserResponse:
        """Sign up."""
        view = await register_user(
            RegisterUserCommand(email=data.email, password=data.password, name=data.name)
        )
        return UserResponse.from_view(view)

    @post(
        "/verify-email",
        status_code=200,
        summary="Verify an email address",
        description="Redeems the token from the verification email. Unknown, used or expired "
        "tokens are 400 with a `token` field error.",
        responses=error_responses(*_COMMON),
    )
    async def verify_email(
        self, data: JSONBody[TokenRequest], verify_email: Injected[VerifyEmail]
    ) -> UserResponse:
        """Redeem a verification token."""
        return UserResponse.from_view(await verify_email(VerifyEmailCommand(token=data.token)))

    @post(
        "/resend-verification",
        status_code=202,
        summary="Send the verification email again",
        description="Always 202, whether or not the account exists or is already verified.",
        responses=error_responses(*_COMMON),
    )
    async def resend_verification(
        self, data: JSONBody[EmailRequest], resend_verification: Injected[ResendVerification]
    ) -> None:
        """Queue a new verification email."""
        await resend_verification(ResendVerificationCommand(email=data.email))

    @post(
        "/login",
        status_code=200,
        summary="Log in",
        description="Exchanges credentials for an access token and a refresh token. "
        "After 5 failures in 15 minutes for one email and client address, or 20 from one "
        "client address across emails, or while the password hashing queue is full, 429.",
        responses=error_responses(
            *_COMMON,
            401,
            403,
            429,
            s401="Invalid credentials (unknown email and wrong password alike).",
            s403="The email is not verified or the account is deactivated.",
            s429="Too many failed logins for this email and client address, or from this "
            "address; or the password hashing queue is full. `Retry-After` says how many "
            "seconds to wait.",
        ),
    )
    async def log_in(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[LoginRequest],
        log_in: Injected[LogIn],
    ) -> LoginResponse:
        """Start a session."""
        # The address is read here rather than injected: two dependencies side by side would
        # be resolved in an anyio task group per request, on the route bursts aim at.
        command = LogInCommand(
            email=data.email, password=data.password, client_ip=client_ip(request)
        )
        session = await log_in(command)
        return LoginResponse.from_view(session)

    @post(
        "/refresh",
        status_code=200,
        summary="Rotate a refresh token",
        description="Returns a new token pair; the presented refresh token stops working. "
        "Presenting an already-rotated token revokes the whole login.",
        responses=error_responses(*_COMMON, 401, s401="Unknown, expired, revoked or reused token."),
    )
    async def refresh(
        self, data: JSONBody[RefreshTokenRequest], refresh_session: Injected[RefreshSession]
    ) -> LoginResponse:
        """Rotate the refresh token."""
        session = await refresh_session(RefreshSessionCommand(refresh_token=data.refresh_token))
        return LoginResponse.from_view(session)

    @post(
        "/logout",
        status_code=204,
        summary="Log out",
        description="The login this refresh token belongs to stops working.",
        responses=error_responses(*_COMMON),
    )
    async def log_out(self, data: JSONBody[RefreshTokenRequest], log_out: Injected[LogOut]) -> None:
        """End the login."""
        await log_out(LogOutCommand(refresh_token=data.refresh_token))

    @post(
        "/forgot-password",
        status_code=202,
        summary="Ask for a password reset email",
        description="Always 202; the email is sent only when the account exists.",
        responses=error_responses(*_COMMON),
    )
    async def forgot_password(
        self, data: JSONBody[EmailRequest], forgot_password: Injected[ForgotPassword]
    ) -> None:
        """Queue a reset email."""
        await forgot_password(ForgotPasswordCommand(email=data.email))

    @post(
        "/reset-password",
        status_code=204,
        summary="Reset the password",
        description="Single-use token, valid 30 minutes. Revokes every refresh token of the user.",
        responses=error_responses(*_COMMON, 429, s429=HASH_QUEUE_FULL),
    )
    async def reset_password(
        self, data: JSONBody[ResetPasswordRequest], reset_password: Injected[ResetPassword]
    ) -> None:
        """Set a new password with a reset token."""
        await reset_password(ResetPasswordCommand(token=data.token, password=data.password))
