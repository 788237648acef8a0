"""Use case: set a new password with the token from a reset email."""

from __future__ import annotations

from application.accounts.commands import ResetPasswordCommand
from application.accounts.ports import AccountsUnitOfWork, PasswordHasher, SecretTokens
from application.shared.ports import Clock
from domain.accounts import OneTimeToken, TokenPurpose, User, check_password_policy
from domain.errors import InvalidOneTimeToken


class ResetPassword:
    """Replace the password, spend the token and end every login of the user."""

    def __init__(
        self, uow: AccountsUnitOfWork, hasher: PasswordHasher, secrets: SecretTokens, clock: Clock
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._secrets = secrets
        self._clock = clock

    async def __call__(self, cmd: ResetPasswordCommand) -> None:
        """Reset, or raise InvalidOneTimeToken / ValidationFailed (field "password")."""
        token_hash = self._secrets.hash(cmd.token)
        # Validate before hashing, and hash outside any transaction: argon2 is slow.
        async with self._uow as uow:
            _, user = await self._redeemable(uow, token_hash)
        check_password_policy(cmd.password, user.email)
        password_hash = await self._hasher.hash(cmd.password)

        async with self._uow as uow:
            now = self._clock.now()
            token, user = await self._redeemable(uow, token_hash)
            # mark_used is the atomic guard against two concurrent redemptions.
            if not await uow.one_time_tokens.mark_used(token.id, now):
                raise InvalidOneTimeToken()
            # Other reset links mailed earlier die with it: one of them may sit in a mailbox
            # that is the very reason for this reset.
            await uow.one_time_tokens.spend_all(user.id, TokenPurpose.RESET_PASSWORD, now)
            user.change_password_hash(password_hash, now)
            await uow.users.update(user)
            await uow.refresh_tokens.revoke_all_for_user(user.id, now)
            await uow.commit()

    async def _redeemable(
        self, uow: AccountsUnitOfWork, token_hash: str
    ) -> tuple[OneTimeToken, User]:
        now = self._clock.now()
        token = await uow.one_time_tokens.get_by_hash(token_hash)
        if token is None or not token.is_redeemable(TokenPurpose.RESET_PASSWORD, now):
            raise InvalidOneTimeToken()
        user = await uow.users.get(token.user_id)
        if user is None:
            raise InvalidOneTimeToken()
        return token, user
