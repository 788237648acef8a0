"""The media context in SQL: the files' table, its repository, what uses the files (the
products' image lists), and the catalog's view of the files."""

from __future__ import annotations

import builtins
import functools
from collections.abc import Collection, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Index,
    Integer,
    Select,
    String,
    Table,
    Uuid,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB

from adapters.sqlalchemy.catalog import products
from adapters.sqlalchemy.mapping import EntityMapping
from adapters.sqlalchemy.metadata import UTCDateTime, metadata
from adapters.sqlalchemy.paging import (
    after_cursor,
    after_value,
    bounded_count,
    ordered,
    page_params,
)
from adapters.sqlalchemy.reader import ReadConnection, Reader
from adapters.sqlalchemy.registry import SqlContextRepositories
from application.catalog.ports import AttachableImages
from application.media.ports import MEDIA_SORT_VALUES, MediaQuery, MediaRepository, MediaUsage
from application.shared.paging import Page, fetched_page
from domain.media import MAX_FILENAME, MediaFile

# owner_id deliberately has no foreign key, like orders.user_id: files outlive accounts.
media_files = Table(
    "media_files",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column("owner_id", Uuid(), nullable=False),
    Column("filename", String(MAX_FILENAME), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size_bytes", BigInteger(), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("width", Integer(), nullable=True),
    Column("height", Integer(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    # "My files, newest first" and the admins' "everyone's, newest first".
    Index(None, "owner_id", "created_at"),
    Index(None, "created_at"),
)


# Every column is the MediaFile field of the same name.
_MEDIA = EntityMapping(MediaFile, media_files)


_SORT_COLUMNS = {"createdAt": media_files.c.created_at, "sizeBytes": media_files.c.size_bytes}
_CURSOR_TYPES: dict[str, Any] = {"createdAt": UTCDateTime(), "sizeBytes": BigInteger()}


@functools.lru_cache(maxsize=32)
def _list_statements(
    by_owner: bool, sort_field: str, descending: bool, cursor: bool
) -> tuple[Any, Any]:
    """The page and count statements of one shape of query, built once. The count stops at
    the count limit; with a cursor the page starts after the cursor's row (keyset paging:
    with the (owner_id, created_at) index, as fast deep in "my files" as at their start)."""
    conditions: builtins.list[ColumnElement[bool]] = []
    if by_owner:
        conditions.append(media_files.c.owner_id == bindparam("owner_id"))
    key = _SORT_COLUMNS[sort_field]
    page_conditions = list(conditions)
    if cursor:
        value_key = after_value(_CURSOR_TYPES[sort_field])
        page_conditions.append(after_cursor(key, value_key, media_files.c.id, descending))
    page_stmt = (
        select(media_files)
        .where(*page_conditions)
        .order_by(*ordered(key, media_files.c.id, descending))
        .offset(bindparam("offset", type_=Integer))
        .limit(bindparam("limit", type_=Integer))
    )
    return page_stmt, bounded_count(media_files.c.id, conditions)


_BY_ID = select(media_files).where(media_files.c.id == bindparam("media_id"))


class SqlMediaRepository:
    """Files' rows in the `media_files` table."""

    def __init__(self, connection: ReadConnection, dialect: str, reader: Reader) -> None:
        self._connection = connection
        self._dialect = dialect
        self._reader = reader

    async def get(self, media_id: UUID) -> MediaFile | None:
        """The row, if any."""
        row = await self._reader.first(_BY_ID, {"media_id": media_id})
        return _MEDIA.entity(row) if row else None

    async def get_for_update(self, media_id: UUID) -> MediaFile | None:
        """The row, locked for the transaction on Postgres (SQLite holds the write lock)."""
        stmt = select(media_files).where(media_files.c.id == media_id)
        if self._dialect == "postgresql":
            stmt = stmt.with_for_update()
        row = (await self._connection.execute(stmt)).mappings().first()
        return _MEDIA.entity(row) if row else None

    async def add(self, media: MediaFile) -> None:
        """Insert the row."""
        await self._connection.execute(insert(media_files).values(_MEDIA.values(media)))

    async def delete(self, media_id: UUID) -> None:
        """Remove the row."""
        await self._connection.execute(delete(media_files).where(media_files.c.id == media_id))

    async def list(self, query: MediaQuery) -> Page[MediaFile]:
        """Filter by owner, sort (id breaks ties), page by number or after a cursor: one
        statement each for the page and its bounded total."""
        page_stmt, count_stmt = _list_statements(
            query.owner_id is not None,
            query.sort.field,
            query.sort.descending,
            query.page.cursor is not None,
        )
        params = page_params(query.page)
        if query.owner_id is not None:
            params["owner_id"] = query.owner_id
        rows = await self._reader.all(page_stmt, params)
        total = int(await self._reader.scalar(count_stmt, params))
        items = [_MEDIA.entity(r) for r in rows]
        return fetched_page(
            items, query.page, query.sort, total, MEDIA_SORT_VALUES[query.sort.field]
        )

    async def existing_keys(self, keys: Collection[str]) -> set[str]:
        """The keys (file ids) with a row, in one query; keys that are no id have none."""
        ids = []
        for key in keys:
            try:
                ids.append(UUID(key))
            except ValueError:
                continue
        if not ids:
            return set()
        stmt = select(media_files.c.id).where(media_files.c.id.in_(ids))
        return {str(found) for found in (await self._connection.execute(stmt)).scalars()}


def _shown_by_a_product(dialect: str) -> ColumnElement[bool]:
    """True for a product whose image list holds the `media_id` parameter (a string)."""
    media_id = bindparam("media_id", type_=String)
    if dialect == "postgresql":
        # JSONB containment (`@>`): the column was made JSONB on Postgres for this.
        listed = func.jsonb_build_array(media_id)
        return type_coerce(products.c.image_ids, JSONB).contains(listed)
    each = func.json_each(products.c.image_ids).table_valued("value")
    return exists(select(literal(1)).select_from(each).where(each.c.value == media_id))


@functools.lru_cache(maxsize=8)
def _usage_statement(dialect: str, active_only: bool) -> Select[Any]:
    conditions = [_shown_by_a_product(dialect)]
    if active_only:
        conditions.append(products.c.active.is_(True))
    # The products named as the FROM, so that SQLite's json_each correlates to them.
    return select(exists(select(products.c.id).where(*conditions)))


class SqlMediaUsage:
    """Which products show a file, read from the catalog's table (the one place the media
    adapter reads another context's table; posts will join here)."""

    def __init__(self, connection: ReadConnection, dialect: str) -> None:
        self._connection = connection
        self._dialect = dialect

    async def _any(self, media_id: UUID, active_only: bool) -> bool:
        stmt = _usage_statement(self._dialect, active_only)
        result = await self._connection.execute(stmt, {"media_id": str(media_id)})
        return bool(result.scalar_one())

    async def is_public(self, media_id: UUID) -> bool:
        """An active product shows the file."""
        return await self._any(media_id, active_only=True)

    async def is_used(self, media_id: UUID) -> bool:
        """Any product refers to the file."""
        return await self._any(media_id, active_only=False)


class SqlAttachableImages:
    """The catalog's view of the files: who owns each, locked while a product takes them."""

    def __init__(self, connection: ReadConnection, dialect: str) -> None:
        self._connection = connection
        self._dialect = dialect

    async def owners(self, image_ids: Sequence[UUID]) -> dict[UUID, UUID]:
        """Owner by id for the ids that exist; on Postgres the rows are share-locked, so a
        concurrent delete waits and then sees the product."""
        if not image_ids:
            return {}
        stmt = select(media_files.c.id, media_files.c.owner_id).where(
            media_files.c.id.in_(list(image_ids))
        )
        if self._dialect == "postgresql":
            stmt = stmt.with_for_update(read=True)
        rows = (await self._connection.execute(stmt)).all()
        return {row.id: row.owner_id for row in rows}


class SqlMediaRepositories(SqlContextRepositories):
    """The media repositories of a SQL unit of work, with the catalog's port onto the files
    (implemented here, where the files' table is)."""

    media_files: MediaRepository
    media_usage: MediaUsage
    attachable_images: AttachableImages

    REPOSITORIES = {
        "media_files": lambda s: SqlMediaRepository(s.connection, s.dialect, s.reader),
        "media_usage": lambda s: SqlMediaUsage(s.connection, s.dialect),
        "attachable_images": lambda s: SqlAttachableImages(s.connection, s.dialect),
    }
