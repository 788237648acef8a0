"""SQL repositories for the accounts' tokens: one-time (verification, reset) and refresh."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, insert, select, update

from adapters.sqlalchemy.accounts.tables import one_time_tokens, refresh_tokens
from adapters.sqlalchemy.reader import ReadConnection
from adapters.sqlalchemy.statements import rowcount
from domain.accounts import OneTimeToken, RefreshToken, TokenPurpose


def _one_time_token(row: Row[Any]) -> OneTimeToken:
    return OneTimeToken(
        id=row.id,
        user_id=row.user_id,
        purpose=TokenPurpose(row.purpose),
        token_hash=row.token_hash,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
    )


class SqlOneTimeTokenRepository:
    """Verification and reset tokens in `one_time_tokens`."""

    def __init__(self, session: ReadConnection) -> None:
        self._session = session

    async def add(self, token: OneTimeToken) -> None:
        """Insert a token."""
        await self._session.execute(
            insert(one_time_tokens).values(
                id=token.id,
                user_id=token.user_id,
                purpose=token.purpose.value,
                token_hash=token.token_hash,
                created_at=token.created_at,
                expires_at=token.expires_at,
                used_at=token.used_at,
            )
        )

    async def get_by_hash(self, token_hash: str) -> OneTimeToken | None:
        """The token with this hash, if any."""
        stmt = select(one_time_tokens).where(one_time_tokens.c.token_hash == token_hash)
        row = (await self._session.execute(stmt)).first()
        return _one_time_token(row) if row else None

    async def mark_used(self, token_id: UUID, now: datetime) -> bool:
        """One conditional UPDATE: of concurrent callers, only one sees a row change."""
        stmt = (
            update(one_time_tokens)
            .where(one_time_tokens.c.id == token_id, one_time_tokens.c.used_at.is_(None))
            .values(used_at=now)
        )
        return rowcount(await self._session.execute(stmt)) == 1

    async def spend_all(self, user_id: UUID, purpose: TokenPurpose, now: datetime) -> None:
        """Mark every unused token of the user for the purpose used."""
        await self._session.execute(
            update(one_time_tokens)
            .where(
                one_time_tokens.c.user_id == user_id,
                one_time_tokens.c.purpose == purpose.value,
                one_time_tokens.c.used_at.is_(None),
            )
            .values(used_at=now)
        )


def _refresh_token(row: Row[Any]) -> RefreshToken:
    return RefreshToken(
        id=row.id,
        user_id=row.user_id,
        family_id=row.family_id,
        token_hash=row.token_hash,
        created_at=row.created_at,
        expires_at=row.expires_at,
        rotated_at=row.rotated_at,
        revoked_at=row.revoked_at,
    )


# Built once, like the user lookups: every login inserts a refresh token.
_ADD_REFRESH_TOKEN = insert(refresh_tokens)


class SqlRefreshTokenRepository:
    """Refresh tokens in `refresh_tokens`."""

    def __init__(self, session: ReadConnection) -> None:
        self._session = session

    async def add(self, token: RefreshToken) -> None:
        """Insert a token."""
        await self._session.execute(
            _ADD_REFRESH_TOKEN,
            {
                "id": token.id,
                "user_id": token.user_id,
                "family_id": token.family_id,
                "token_hash": token.token_hash,
                "created_at": token.created_at,
                "expires_at": token.expires_at,
                "rotated_at": token.rotated_at,
                "revoked_at": token.revoked_at,
            },
        )

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        """The token with this hash, if any."""
        stmt = select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)
        row = (await self._session.execute(stmt)).first()
        return _refresh_token(row) if row else None

    async def claim_for_rotation(self, token_id: UUID, now: datetime) -> bool:
        """One conditional UPDATE; Postgres re-checks the WHERE after a concurrent winner
        commits, SQLite runs writers one at a time, so exactly one claim wins."""
        stmt = (
            update(refresh_tokens)
            .where(
                refresh_tokens.c.id == token_id,
                refresh_tokens.c.rotated_at.is_(None),
                refresh_tokens.c.revoked_at.is_(None),
            )
            .values(rotated_at=now)
        )
        return rowcount(await self._session.execute(stmt)) == 1

    async def revoke_family(self, family_id: UUID, now: datetime) -> None:
        """Revoke every not-yet-revoked token of one login."""
        await self._session.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    async def revoke_all_for_user(
        self, user_id: UUID, now: datetime, except_family: UUID | None = None
    ) -> None:
        """Revoke the user's tokens, sparing one login if asked."""
        stmt = update(refresh_tokens).where(
            refresh_tokens.c.user_id == user_id, refresh_tokens.c.revoked_at.is_(None)
        )
        if except_family is not None:
            stmt = stmt.where(refresh_tokens.c.family_id != except_family)
        await self._session.execute(stmt.values(revoked_at=now))
