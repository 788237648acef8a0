"""Use case: someone asks for a fresh verification email."""

from __future__ import annotations

from application.accounts.commands import ResendVerificationCommand
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


class ResendVerification:
    """Queue a new verification email when it makes sense; answer the same way regardless."""

    def __init__(
        self, uow: AccountsUnitOfWork, secrets: SecretTokens, clock: Clock, emails: AccountEmails
    ) -> None:
        self._uow = uow
        self._secrets = secrets
        self._clock = clock
        self._emails = emails

    async def __call__(self, cmd: ResendVerificationCommand) -> None:
        """Return normally whether or not the account exists, so accounts can't be probed."""
        email = normalize_email(cmd.email)
        async with self._uow as uow:
            user = await uow.users.get_by_email(email)
            if user is None or user.email_verified or not user.active:
                return
            now = self._clock.now()
            # At most a few emails per account and hour, counted atomically with the email
            # itself, so a burst of requests can't flood the inbox. Still no sign outside.
            key = account_email_key(user.id, TokenPurpose.VERIFY_EMAIL)
            if not await try_reserve_quietly(uow, key, ACCOUNT_EMAIL_LIMIT, now):
                return
            await mail_one_time_token(
                uow, self._secrets, user, TokenPurpose.VERIFY_EMAIL, self._emails.verification, now
            )
            await uow.commit()
