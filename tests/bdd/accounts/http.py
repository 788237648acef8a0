"""The accounts actions as requests to the HTTP API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.bdd.accounts.driver import AccountsDriver, UserFilters
from tests.bdd.shared.outcome import Outcome

if TYPE_CHECKING:
    # Only for the annotations: the default run never loads the app.
    from tests.bdd.shared.http import HttpSystem


class HttpAccounts(AccountsDriver):
    """Sends the accounts actions to /auth, /me and /users."""

    system: HttpSystem

    def __init__(self, system: HttpSystem) -> None:
        super().__init__(system)
        self.send = system.send

    # --- public actions -------------------------------------------------------------------

    def register(self, email: str, password: str, name: str | None = None) -> Outcome:
        """Sign up."""
        body = {"email": email, "password": password}
        if name is not None:
            body["name"] = name
        return self.send("POST", "/auth/register", json=body)

    def verify_email(self, token: str) -> Outcome:
        """Redeem a verification token."""
        return self.send("POST", "/auth/verify-email", json={"token": token})

    def resend_verification(self, email: str) -> Outcome:
        """Ask for a new verification email."""
        return self.send("POST", "/auth/resend-verification", json={"email": email})

    def login(self, email: str, password: str, ip: str) -> Outcome:
        """Log in from a client address."""
        body = {"email": email, "password": password}
        return self.send("POST", "/auth/login", json=body, ip=ip)

    def refresh(self, refresh_token: str) -> Outcome:
        """Rotate a refresh token."""
        return self.send("POST", "/auth/refresh", json={"refreshToken": refresh_token})

    def logout(self, refresh_token: str) -> Outcome:
        """End the login of a refresh token."""
        return self.send("POST", "/auth/logout", json={"refreshToken": refresh_token})

    def forgot_password(self, email: str) -> Outcome:
        """Ask for a password reset email."""
        return self.send("POST", "/auth/forgot-password", json={"email": email})

    def reset_password(self, token: str, password: str) -> Outcome:
        """Choose a new password with a reset token."""
        body = {"token": token, "password": password}
        return self.send("POST", "/auth/reset-password", json=body)

    # --- signed-in actions ----------------------------------------------------------------

    def me(self, access: str | None) -> Outcome:
        """One's own profile."""
        return self.send("GET", "/me", access=access)

    def update_me(self, access: str | None, name: str) -> Outcome:
        """Rename oneself."""
        return self.send("PATCH", "/me", access=access, json={"name": name})

    def change_password(self, access: str | None, current: str, new: str) -> Outcome:
        """Change one's own password."""
        body = {"currentPassword": current, "newPassword": new}
        return self.send("POST", "/me/password", access=access, json=body)

    # --- administration -------------------------------------------------------------------

    def list_users(self, access: str | None, filters: UserFilters) -> Outcome:
        """The admin user list."""
        params: dict[str, str] = {}
        for name in ("search", "role", "sort", "page", "limit"):
            value = getattr(filters, name)
            if value is not None:
                params[name] = str(value)
        if filters.active is not None:
            params["active"] = "true" if filters.active else "false"
        return self.send("GET", "/users", access=access, params=params)

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
        body = {"email": email, "password": password}
        optional = {"name": name, "role": role, "tier": tier}
        body.update({k: v for k, v in optional.items() if v is not None})
        return self.send("POST", "/users", access=access, json=body)

    def get_user(self, access: str | None, user_id: str) -> Outcome:
        """An admin views an account."""
        return self.send("GET", f"/users/{user_id}", access=access)

    def update_user(self, access: str | None, user_id: str, changes: dict[str, Any]) -> Outcome:
        """An admin changes some fields of an account."""
        return self.send("PATCH", f"/users/{user_id}", access=access, json=changes)

    def delete_user(self, access: str | None, user_id: str) -> Outcome:
        """An admin deletes an account."""
        return self.send("DELETE", f"/users/{user_id}", access=access)
