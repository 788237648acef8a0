"""Shared by the use cases that open or extend a login: issue the token pair."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from application.accounts.ports import AccessTokens, AccountsUnitOfWork, SecretTokens
from application.accounts.views import AuthSession, UserView
from domain.accounts import RefreshToken, User


async def add_refresh_token(
    uow: AccountsUnitOfWork,
    secrets: SecretTokens,
    user: User,
    now: datetime,
    ttl: timedelta,
    family_id: UUID | None = None,
) -> tuple[str, RefreshToken]:
    """Store a new refresh token (hashed) in the open transaction; return it in clear too."""
    plain = secrets.generate()
    token = RefreshToken.issue(user.id, secrets.hash(plain), now, ttl, family_id=family_id)
    await uow.refresh_tokens.add(token)
    return plain, token


def auth_session(
    access_tokens: AccessTokens, user: User, refresh: str, family_id: UUID, now: datetime
) -> AuthSession:
    """The token pair and user a successful login or refresh answers with."""
    return AuthSession(
        access_token=access_tokens.issue(user, session_id=family_id, now=now),
        refresh_token=refresh,
        expires_in=access_tokens.ttl_seconds,
        user=UserView.from_user(user),
    )
