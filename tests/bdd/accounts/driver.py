"""What the accounts steps ask of a driver: sign-up, sessions, profile and administration."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from application.accounts.commands import (
    CreateUserCommand,
    RegisterUserCommand,
    UpdateUserCommand,
)
from application.shared.actor import Actor
from domain.accounts import Role, Tier
from tests.bdd.shared.outcome import Outcome
from tests.bdd.shared.system import System


@dataclass
class UserFilters:
    """Admin user-list parameters, None meaning "not given"."""

    search: str | None = None
    role: str | None = None
    active: bool | None = None
    sort: str | None = None
    page: int | None = None
    limit: int | None = None


class AccountsDriver(ABC):
    """Accounts actions against one way into the system, reported as neutral outcomes."""

    def __init__(self, system: System) -> None:
        self.system = system

    # --- arrange: a back door through the use cases, same for both drivers ---------------

    def seed_user(
        self,
        email: str,
        password: str,
        *,
        name: str | None = None,
        role: str = "customer",
        tier: str = "standard",
        verified: bool = True,
        active: bool = True,
    ) -> str:
        """Create an account directly (as the CLI operator would) and return its id."""
        self.system.tick()
        container = self.system.container
        operator = Actor.system()

        async def seed() -> str:
            if verified:
                view = await container.accounts.create_user()(
                    operator,
                    CreateUserCommand(email, password, name, Role(role), Tier(tier)),
                )
            else:
                view = await container.accounts.register_user()(
                    RegisterUserCommand(email, password, name)
                )
            changes: dict[str, Any] = {}
            if not verified and (role != "customer" or tier != "standard"):
                changes.update(role=Role(role), tier=Tier(tier))
            if not active:
                changes["active"] = False
            if changes:
                await container.accounts.update_user()(
                    operator, UpdateUserCommand(user_id=view.id, **changes)
                )
            return str(view.id)

        return self.system.run(seed)

    # --- public actions -------------------------------------------------------------------

    @abstractmethod
    def register(self, email: str, password: str, name: str | None = None) -> Outcome:
        """Sign up."""

    @abstractmethod
    def verify_email(self, token: str) -> Outcome:
        """Redeem a verification token."""

    @abstractmethod
    def resend_verification(self, email: str) -> Outcome:
        """Ask for a new verification email."""

    @abstractmethod
    def login(self, email: str, password: str, ip: str) -> Outcome:
        """Log in from a client address."""

    @abstractmethod
    def refresh(self, refresh_token: str) -> Outcome:
        """Rotate a refresh token."""

    @abstractmethod
    def logout(self, refresh_token: str) -> Outcome:
        """End the login of a refresh token."""

    @abstractmethod
    def forgot_password(self, email: str) -> Outcome:
        """Ask for a password reset email."""

    @abstractmethod
    def reset_password(self, token: str, password: str) -> Outcome:
        """Choose a new password with a reset token."""

    # --- signed-in actions ----------------------------------------------------------------

    @abstractmethod
    def me(self, access: str | None) -> Outcome:
        """One's own profile."""

    @abstractmethod
    def update_me(self, access: str | None, name: str) -> Outcome:
        """Rename oneself."""

    @abstractmethod
    def change_password(self, access: str | None, current: str, new: str) -> Outcome:
        """Change one's own password."""

    # --- administration -------------------------------------------------------------------

    @abstractmethod
    def list_users(self, access: str | None, filters: UserFilters) -> Outcome:
        """The admin user list."""

    @abstractmethod
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

    @abstractmethod
    def get_user(self, access: str | None, user_id: str) -> Outcome:
        """An admin views an account."""

    @abstractmethod
    def update_user(self, access: str | None, user_id: str, changes: dict[str, Any]) -> Outcome:
        """An admin changes some fields (camelCase names) of an account."""

    @abstractmethod
    def delete_user(self, access: str | None, user_id: str) -> Outcome:
        """An admin deletes an account."""
