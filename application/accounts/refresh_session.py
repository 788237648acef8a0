"""Use case: rotate a refresh token into a new token pair, detecting reuse."""

from __future__ import annotations

from datetime import timedelta

from application.accounts.commands import RefreshSessionCommand
from application.accounts.ports import AccessTokens, AccountsUnitOfWork, SecretTokens
from application.accounts.sessions import add_refresh_token, auth_session
from application.accounts.views import AuthSession
from application.shared.ports import Clock
from domain.errors import InvalidRefreshToken


class RefreshSession:
    """Exchange a usable refresh token for a new pair in the same login family.

    Presenting a token that was already rotated or revoked means it leaked (or two clients
    raced with it): the whole family is revoked, so whoever holds the newer token is logged
    out too.
    """

    def __init__(
        self,
        uow: AccountsUnitOfWork,
        secrets: SecretTokens,
        access_tokens: AccessTokens,
        clock: Clock,
        refresh_ttl: timedelta,
    ) -> None:
        self._uow = uow
        self._secrets = secrets
        self._access_tokens = access_tokens
        self._clock = clock
        self._refresh_ttl = refresh_ttl

    async def __call__(self, cmd: RefreshSessionCommand) -> AuthSession:
        """Rotate, or raise InvalidRefreshToken."""
        token_hash = self._secrets.hash(cmd.refresh_token)
        async with self._uow as uow:
            now = self._clock.now()
            token = await uow.refresh_tokens.get_by_hash(token_hash)
            if token is None or now >= token.expires_at:
                raise InvalidRefreshToken()
            # The claim is the atomic guard: of concurrent refreshes with one token, one wins
            # and the others are treated exactly like a replay.
            reused = (
                token.rotated_at is not None
                or token.revoked_at is not None
                or not await uow.refresh_tokens.claim_for_rotation(token.id, now)
            )
            if reused:
                await uow.refresh_tokens.revoke_family(token.family_id, now)
                # Commit before raising: the revocation must survive the failed call.
                await uow.commit()
                raise InvalidRefreshToken()
            user = await uow.users.get(token.user_id)
            if user is None or not user.active:
                raise InvalidRefreshToken()
            refresh, _ = await add_refresh_token(
                uow, self._secrets, user, now, self._refresh_ttl, family_id=token.family_id
            )
            await uow.commit()
        return auth_session(self._access_tokens, user, refresh, token.family_id, now)
