"""Use case: a visitor signs up and is sent a verification email."""

from __future__ import annotations

from application.accounts.commands import RegisterUserCommand
from application.accounts.emails import AccountEmails
from application.accounts.mailed_tokens import mail_one_time_token
from application.accounts.ports import AccountsUnitOfWork, PasswordHasher, SecretTokens
from application.accounts.views import UserView
from application.shared.ports import Clock
from domain.accounts import (
    TokenPurpose,
    User,
    check_password_policy,
    normalize_email,
    normalize_name,
)
from domain.errors import EmailAlreadyRegistered


class RegisterUser:
    """Create a customer account and queue its verification email in the same transaction."""

    def __init__(
        self,
        uow: AccountsUnitOfWork,
        hasher: PasswordHasher,
        secrets: SecretTokens,
        clock: Clock,
        emails: AccountEmails,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._secrets = secrets
        self._clock = clock
        self._emails = emails

    async def __call__(self, cmd: RegisterUserCommand) -> UserView:
        """Register, or raise ValidationFailed / EmailAlreadyRegistered."""
        email = normalize_email(cmd.email)
        name = normalize_name(cmd.name)
        check_password_policy(cmd.password, email)
        # Hash before opening the transaction: argon2 is slow and needs no connection.
        password_hash = await self._hasher.hash(cmd.password)
        async with self._uow as uow:
            if await uow.users.get_by_email(email) is not None:
                raise EmailAlreadyRegistered()
            now = self._clock.now()
            user = User.register(email, password_hash, now, name=name)
            await uow.users.add(user)
            await mail_one_time_token(
                uow, self._secrets, user, TokenPurpose.VERIFY_EMAIL, self._emails.verification, now
            )
            await uow.commit()
        return UserView.from_user(user)
