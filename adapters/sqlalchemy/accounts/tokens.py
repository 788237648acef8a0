"""SQL repositories for the accounts' tokens: one-time (verification, reset) and refresh."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import insert, select, update

from adapters.sqlalchemy.accounts.tables import one_time_tokens, refresh_tokens
from adapters.sqlalchemy.mapping import EntityMapping, enum_codec
from adapters.sqlalchemy.reader import ReadConnection
from adapters.sqlalchemy.statements import rowcount
from domain.accounts import OneTimeToken, RefreshToken, TokenPurpose

# Built at import, where they check that the tokens' fields and the tables' columns match.
_ONE_TIME_TOKEN = EntityMapping(
    OneTimeToken, one_time_tokens, codecs={"purpose": enum_codec(TokenPurpose)}
)
_REFRESH_TOKEN = EntityMapping(RefreshToken, refresh_tokens)


class SqlOneTimeTokenRepository:
    """Verification and reset tokens in `one_time_tokens`."""

    def __init__(self, session: ReadConnection) -> None:
        self._session = session

    async def add(self, token: OneTimeToken) -> None:
        """Insert a token."""
        await self._session.execute(insert(one_time_tokens).values(_ONE_TIME_TOKEN.values(token)))

    async def get_by_hash(self, token_hash: str) -> OneTimeToken | None:
        """The token with this hash, if any."""
        stmt = select(one_time_tokens).where(one_time_tokens.c.token_hash == token_hash)
        row = (await self._session.execute(stmt)).mappings().first()
        return _ONE_TIME_TOKEN.entity(row) if row else None

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


# Built once, like the user lookups: every login inserts a refresh token.
_ADD_REFRESH_TOKEN = insert(refresh_tokens)


class SqlRefreshTokenRepository:
    """Refresh tokens in `refresh_tokens`."""

    def __init__(self, session: ReadConnection) -> None:
        self._session = session

    async def add(self, token: RefreshToken) -> None:
        """Insert a token."""
        await self._session.execute(_ADD_REFRESH_TOKEN, _REFRESH_TOKEN.values(token))

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        """The token with this hash, if any."""
        stmt = select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)
        row = (await self._session.execute(stmt)).mappings().first()
        return _REFRESH_TOKEN.entity(row) if row else None

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
