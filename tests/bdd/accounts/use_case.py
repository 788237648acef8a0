"""The accounts actions on the use cases, with views shaped as the HTTP API shows them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from application.accounts.commands import (
    ChangePasswordCommand,
    CreateUserCommand,
    ForgotPasswordCommand,
    ListUsersQuery,
    LogInCommand,
    LogOutCommand,
    RefreshSessionCommand,
    RegisterUserCommand,
    ResendVerificationCommand,
    ResetPasswordCommand,
    UpdateProfileCommand,
    UpdateUserCommand,
    VerifyEmailCommand,
)
from application.accounts.views import AuthSession, UserView
from application.shared.actor import Actor
from application.shared.paging import Page, PageRequest
from domain.accounts import Role, Tier
from tests.bdd.accounts.driver import AccountsDriver, UserFilters
from tests.bdd.shared.outcome import Outcome
from tests.bdd.shared.shapes import page_of
from tests.bdd.shared.use_case import UseCaseSystem

# Wire names of the fields an admin may change, to the command's attribute names.
_USER_FIELDS = {
    "email": "email",
    "name": "name",
    "role": "role",
    "tier": "tier",
    "active": "active",
}


def user_data(view: UserView) -> dict[str, Any]:
    """A user view with the contract's field names, as the HTTP API would show it."""
    return {
        "id": str(view.id),
        "email": view.email,
        "name": view.name,
        "role": str(view.role),
        "tier": str(view.tier),
        "emailVerified": view.email_verified,
        "active": view.active,
        "createdAt": view.created_at.isoformat(),
        "updatedAt": view.updated_at.isoformat(),
    }


def session_data(session: AuthSession) -> dict[str, Any]:
    """A login or refresh result with the contract's field names."""
    return {
        "accessToken": session.access_token,
        "refreshToken": session.refresh_token,
        "tokenType": session.token_type,
        "expiresIn": session.expires_in,
        "user": user_data(session.user),
    }


def _nothing(_: object) -> None:
    return None


class UseCaseAccounts(AccountsDriver):
    """Calls the accounts use cases from the container."""

    system: UseCaseSystem

    def __init__(self, system: UseCaseSystem) -> None:
        super().__init__(system)
        self.container = system.container

    # --- public actions -------------------------------------------------------------------

    def register(self, email: str, password: str, name: str | None = None) -> Outcome:
        """Sign up."""
        cmd = RegisterUserCommand(email, password, name)
        return self.system.do(lambda: self.container.accounts.register_user()(cmd), user_data)

    def verify_email(self, token: str) -> Outcome:
        """Redeem a verification token."""
        cmd = VerifyEmailCommand(token)
        return self.system.do(lambda: self.container.accounts.verify_email()(cmd), user_data)

    def resend_verification(self, email: str) -> Outcome:
        """Ask for a new verification email."""
        cmd = ResendVerificationCommand(email)
        return self.system.do(lambda: self.container.accounts.resend_verification()(cmd), _nothing)

    def login(self, email: str, password: str, ip: str) -> Outcome:
        """Log in from a client address."""
        cmd = LogInCommand(email, password, client_ip=ip)
        return self.system.do(lambda: self.container.accounts.log_in()(cmd), session_data)

    def refresh(self, refresh_token: str) -> Outcome:
        """Rotate a refresh token."""
        cmd = RefreshSessionCommand(refresh_token)
        return self.system.do(lambda: self.container.accounts.refresh_session()(cmd), session_data)

    def logout(self, refresh_token: str) -> Outcome:
        """End the login of a refresh token."""
        cmd = LogOutCommand(refresh_token)
        return self.system.do(lambda: self.container.accounts.log_out()(cmd), _nothing)

    def forgot_password(self, email: str) -> Outcome:
        """Ask for a password reset email."""
        cmd = ForgotPasswordCommand(email)
        return self.system.do(lambda: self.container.accounts.forgot_password()(cmd), _nothing)

    def reset_password(self, token: str, password: str) -> Outcome:
        """Choose a new password with a reset token."""
        cmd = ResetPasswordCommand(token, password)
        return self.system.do(lambda: self.container.accounts.reset_password()(cmd), _nothing)

    # --- signed-in actions ----------------------------------------------------------------

    def me(self, access: str | None) -> Outcome:
        """One's own profile."""
        return self.system.as_bearer(
            access, lambda actor: self.container.accounts.get_profile()(actor), user_data
        )

    def update_me(self, access: str | None, name: str) -> Outcome:
        """Rename oneself."""
        cmd = UpdateProfileCommand(name=name)
        return self.system.as_bearer(
            access, lambda actor: self.container.accounts.update_profile()(actor, cmd), user_data
        )

    def change_password(self, access: str | None, current: str, new: str) -> Outcome:
        """Change one's own password."""
        cmd = ChangePasswordCommand(current, new)
        return self.system.as_bearer(
            access, lambda actor: self.container.accounts.change_password()(actor, cmd), _nothing
        )

    # --- administration -------------------------------------------------------------------

    def list_users(self, access: str | None, filters: UserFilters) -> Outcome:
        """The admin user list."""

        async def act(actor: Actor) -> Page[UserView]:
            # Built inside the call: out-of-range paging is a validation refusal.
            query = ListUsersQuery(
                search=filters.search,
                role=Role(filters.role) if filters.role else None,
                active=filters.active,
                sort=filters.sort,
                page=PageRequest(page=filters.page or 1, limit=filters.limit or 20),
            )
            return await self.container.accounts.list_users()(actor, query)

        return self.system.as_bearer(access, act, page_of(user_data))

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
        cmd = CreateUserCommand(
            email,
            password,
            name,
            role=Role(role) if role else Role.CUSTOMER,
            tier=Tier(tier) if tier else Tier.STANDARD,
        )
        return self.system.as_bearer(
            access, lambda actor: self.container.accounts.create_user()(actor, cmd), user_data
        )

    def get_user(self, access: str | None, user_id: str) -> Outcome:
        """An admin views an account."""
        return self.system.as_bearer(
            access,
            lambda actor: self.container.accounts.get_user()(actor, UUID(user_id)),
            user_data,
        )

    def update_user(self, access: str | None, user_id: str, changes: dict[str, Any]) -> Outcome:
        """An admin changes some fields of an account."""
        values = {_USER_FIELDS[k]: v for k, v in changes.items()}
        if "role" in values:
            values["role"] = Role(values["role"])
        if "tier" in values:
            values["tier"] = Tier(values["tier"])
        cmd = UpdateUserCommand(user_id=UUID(user_id), **values)
        return self.system.as_bearer(
            access, lambda actor: self.container.accounts.update_user()(actor, cmd), user_data
        )

    def delete_user(self, access: str | None, user_id: str) -> Outcome:
        """An admin deletes an account."""
        return self.system.as_bearer(
            access,
            lambda actor: self.container.accounts.delete_user()(actor, UUID(user_id)),
            _nothing,
        )
