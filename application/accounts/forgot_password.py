"""Use case: someone who forgot their password asks for a reset link."""

from __future__ import annotations

from application.accounts.commands import ForgotPasswordCommand
from application.accounts.emails import AccountEmails
from application.accounts.mailed_tokens import mail_one_time_token
from application.accounts.ports import AccountsUnitOfWork, SecretTokens
from application.accounts.throttling import try_reserve_quietly
from application.shared.ports import Clock
from domain.accounts import (
    ACCOUNT_EMAIL_LIMIT,
    TokenPurpose,
    account_email_key,
    normalize_email,
)


class ForgotPassword:
    """Queue a password reset email when the account exists; answer the same way regardless."""

    def __init__(
        self, uow: AccountsUnitOfWork, secrets: SecretTokens, clock: Clock, emails: AccountEmails
    ) -> None:
        self._uow = uow
        self._secrets = secrets
        self._clock = clock
        self._emails = emails

    async def __call__(self, cmd: ForgotPasswordCommand) -> None:
        """Return normally whether or not the account exists, so accounts can't be probed."""
        email = normalize_email(cmd.email)
        async with self._uow as uow:
            user = await uow.users.get_by_email(email)
            if user is None or not user.active:
                return
            now = self._clock.now()
            # At most a few emails per account and hour, counted atomically with the email
            # itself, so a burst of requests can't flood the inbox. Still no sign outside.
            key = account_email_key(user.id, TokenPurpose.RESET_PASSWORD)
            if not await try_reserve_quietly(uow, key, ACCOUNT_EMAIL_LIMIT, now):
                return
            await mail_one_time_token(
                uow,
                self._secrets,
                user,
                TokenPurpose.RESET_PASSWORD,
                self._emails.password_reset,
                now,
            )
            await uow.commit()
