"""Use case: end the login a refresh token belongs to."""

from __future__ import annotations

from application.accounts.commands import LogOutCommand
from application.accounts.ports import AccountsUnitOfWork, SecretTokens
from application.shared.ports import Clock


class LogOut:
    """Revoke every refresh token of one login; idempotent."""

    def __init__(self, uow: AccountsUnitOfWork, secrets: SecretTokens, clock: Clock) -> None:
        self._uow = uow
        self._secrets = secrets
        self._clock = clock

    async def __call__(self, cmd: LogOutCommand) -> None:
        """Revoke the token's family; an unknown token is simply nothing to do."""
        token_hash = self._secrets.hash(cmd.refresh_token)
        async with self._uow as uow:
            token = await uow.refresh_tokens.get_by_hash(token_hash)
            if token is None:
                return
            await uow.refresh_tokens.revoke_family(token.family_id, self._clock.now())
            await uow.commit()
