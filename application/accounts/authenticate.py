"""Use case: turn a bearer access token into the actor a request acts for."""

from __future__ import annotations

from application.accounts.ports import AccessTokens, AccountsUnitOfWork
from application.accounts.views import UserView
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.errors import InvalidAccessToken


class Authenticate:
    """Verify the token, then check it against the user's current state in one read.

    This runs on every authenticated request, so it does exactly one repository call.
    """

    def __init__(self, uow: AccountsUnitOfWork, access_tokens: AccessTokens, clock: Clock) -> None:
        self._uow = uow
        self._access_tokens = access_tokens
        self._clock = clock

    async def __call__(self, access_token: str) -> Actor:
        """The actor, or InvalidAccessToken when the token or its user no longer holds."""
        # Signature and expiry first: a bad token never reaches the database.
        claims = self._access_tokens.decode(access_token, self._clock.now())
        async with self._uow as uow:
            user = await uow.users.get(claims.user_id)
        if user is None or not user.accepts_access_token(claims.issued_at):
            raise InvalidAccessToken()
        # The role comes from the database: a demotion takes effect on the next request.
        return Actor(
            user_id=user.id,
            role=user.role,
            session_id=claims.session_id,
            profile=UserView.from_user(user),
        )
