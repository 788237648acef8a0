"""The account emails' wording and links."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from domain.messages import EmailMessage


@dataclass(frozen=True)
class AccountEmails:
    """Renders account emails with links into the front end at `app_url`."""

    app_url: str

    def _link(self, path: str, token: str) -> str:
        return f"{self.app_url.rstrip('/')}/{path}?{urlencode({'token': token})}"

    def verification(self, to: str, token: str) -> EmailMessage:
        """The email that proves an address belongs to its owner."""
        link = self._link("verify-email", token)
        body = (
            "Welcome to hexashop!\n\n"
            f"Confirm your email address by opening this link within 24 hours:\n{link}\n\n"
            "If you did not create an account, ignore this email.\n"
        )
        return EmailMessage(
            to=to, subject="Confirm your email address", text_body=body, kind="verify_email"
        )

    def password_reset(self, to: str, token: str) -> EmailMessage:
        """The email with a single-use password reset link."""
        link = self._link("reset-password", token)
        body = (
            "Someone asked to reset the password of your hexashop account.\n\n"
            f"Choose a new password by opening this link within 30 minutes:\n{link}\n\n"
            "If it was not you, ignore this email; your password stays as it is.\n"
        )
        return EmailMessage(
            to=to, subject="Reset your password", text_body=body, kind="reset_password"
        )
