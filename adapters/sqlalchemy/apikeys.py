"""The API keys context in SQL: the `api_keys` table and its repository."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    JSON,
    Column,
    Index,
    String,
    Table,
    Uuid,
    bindparam,
    insert,
    or_,
    select,
    update,
)

from adapters.sqlalchemy.mapping import Codec, EntityMapping
from adapters.sqlalchemy.metadata import UTCDateTime, metadata
from adapters.sqlalchemy.reader import ReadConnection, Reader
from adapters.sqlalchemy.registry import SqlContextRepositories
from application.apikeys.ports import ApiKeyRepository
from domain.apikeys import ApiKey

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column("name", String(64), nullable=False),
    # Finds the row of a key sent by a client; the digest is then compared in constant time.
    Column("prefix", String(8), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("counters", JSON(), nullable=False),
    Column("origins", JSON(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("last_used_at", UTCDateTime(), nullable=True),
    Column("revoked_at", UTCDateTime(), nullable=True),
    Index(None, "name", unique=True),
    Index(None, "prefix", unique=True),
)

_AS_TUPLE = Codec(encode=list, decode=tuple)
_KEY = EntityMapping(ApiKey, api_keys, codecs={"counters": _AS_TUPLE, "origins": _AS_TUPLE})

_BY_PREFIX = select(api_keys).where(api_keys.c.prefix == bindparam("prefix"))
_BY_NAME = select(api_keys).where(api_keys.c.name == bindparam("name"))


class SqlApiKeyRepository:
    """Keys' rows in the `api_keys` table."""

    def __init__(self, connection: ReadConnection, reader: Reader) -> None:
        self._connection = connection
        self._reader = reader

    async def add(self, key: ApiKey) -> None:
        """Insert the row."""
        await self._connection.execute(insert(api_keys).values(_KEY.values(key)))

    async def by_name(self, name: str) -> ApiKey | None:
        """The key of this name."""
        row = await self._reader.first(_BY_NAME, {"name": name})
        return _KEY.entity(row) if row else None

    async def by_prefix(self, prefix: str) -> ApiKey | None:
        """The key with this prefix (one indexed lookup)."""
        row = await self._reader.first(_BY_PREFIX, {"prefix": prefix})
        return _KEY.entity(row) if row else None

    async def all(self) -> list[ApiKey]:
        """Every key by name."""
        stmt = select(api_keys).order_by(api_keys.c.name)
        rows = (await self._connection.execute(stmt)).mappings().all()
        return [_KEY.entity(r) for r in rows]

    async def save(self, key: ApiKey) -> None:
        """Update the row."""
        values = _KEY.values(key)
        await self._connection.execute(
            update(api_keys).where(api_keys.c.id == key.id).values(values)
        )

    async def touch(self, key_id: UUID, now: datetime, before: datetime) -> None:
        """One conditional UPDATE: concurrent uses of a key write last_used_at once."""
        stale = or_(api_keys.c.last_used_at.is_(None), api_keys.c.last_used_at < before)
        stmt = update(api_keys).where(api_keys.c.id == key_id, stale).values(last_used_at=now)
        await self._connection.execute(stmt)


class SqlApiKeysRepositories(SqlContextRepositories):
    """The API keys repository of a SQL unit of work."""

    api_keys: ApiKeyRepository

    REPOSITORIES = {"api_keys": lambda s: SqlApiKeyRepository(s.connection, s.reader)}
