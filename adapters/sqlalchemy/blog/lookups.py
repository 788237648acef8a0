"""The blog's read-only views of other contexts' tables: media files and users' names."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Select, bindparam, exists, select

from adapters.sqlalchemy.accounts.tables import users
from adapters.sqlalchemy.media import media_files
from adapters.sqlalchemy.reader import Reader
from adapters.sqlalchemy.statements import in_ids

_MEDIA_EXISTS = select(exists().where(media_files.c.id == bindparam("media_id")))


class SqlMediaLookup:
    """The blog's view of the uploaded files: the media context's table, read only."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    async def exists(self, media_id: UUID) -> bool:
        """True when a file has this id."""
        return bool(await self._reader.scalar(_MEDIA_EXISTS, {"media_id": media_id}))


@functools.lru_cache(maxsize=4)
def _names_statement(dialect: str) -> Select[Any]:
    return select(users.c.id, users.c.name).where(in_ids(users.c.id, dialect))


class SqlAuthorNames:
    """The names of posts' and comments' authors, read from the accounts' table."""

    def __init__(self, dialect: str, reader: Reader) -> None:
        self._dialect = dialect
        self._reader = reader

    async def names(self, user_ids: Sequence[UUID]) -> dict[UUID, str | None]:
        """Each existing user's name (None when unset), in one statement."""
        if not user_ids:
            return {}
        rows = await self._reader.all(_names_statement(self._dialect), {"ids": list(user_ids)})
        return {row["id"]: row["name"] for row in rows}
