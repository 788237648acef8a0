"""Use case: a user redeems the verification token mailed to them."""

from __future__ import annotations

from application.accounts.commands import VerifyEmailCommand
from application.accounts.ports import AccountsUnitOfWork, SecretTokens
from application.accounts.views import UserView
from application.shared.ports import Clock
from domain.accounts import TokenPurpose
from domain.errors import InvalidOneTimeToken


class VerifyEmail:
    """Mark the account's email as proven; the token works once."""

    def __init__(self, uow: AccountsUnitOfWork, secrets: SecretTokens, clock: Clock) -> None:
        self._uow = uow
        self._secrets = secrets
        self._clock = clock

    async def __call__(self, cmd: VerifyEmailCommand) -> UserView:
        """Verify, or raise InvalidOneTimeToken for an unknown, used or expired token."""
        token_hash = self._secrets.hash(cmd.token)
        async with self._uow as uow:
            now = self._clock.now()
            token = await uow.one_time_tokens.get_by_hash(token_hash)
            if token is None or not token.is_redeemable(TokenPurpose.VERIFY_EMAIL, now):
                raise InvalidOneTimeToken()
            user = await uow.users.get(token.user_id)
            # mark_used is the atomic guard: of two concurrent redemptions only one passes.
            if user is None or not await uow.one_time_tokens.mark_used(token.id, now):
                raise InvalidOneTimeToken()
            user.verify_email(now)
            await uow.users.update(user)
            await uow.commit()
        return UserView.from_user(user)
