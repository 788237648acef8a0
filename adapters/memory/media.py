"""The media context in memory: the files' table, its repository, what uses the files, and
the catalog's view of them."""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

from adapters.memory.paging import keyset_page
from adapters.memory.registry import MemoryContextRepositories
from application.catalog.ports import AttachableImages
from application.media.ports import MEDIA_SORT_VALUES, MediaQuery, MediaRepository, MediaUsage
from application.shared.paging import Page, SortValue
from domain.catalog import Product
from domain.media import MediaFile


@dataclass
class MediaTables:
    """The media part of the in-memory store."""

    media_files: dict[UUID, MediaFile] = field(default_factory=dict)


class MediaStore(Protocol):
    """What the media repositories read: the files, and the products that may show them."""

    media_files: dict[UUID, MediaFile]
    products: dict[UUID, Product]


def _media_key(value: SortValue, media_id: UUID) -> tuple[SortValue, str]:
    # The id breaks ties, as in SQL.
    return (value, str(media_id))


class MemoryMediaRepository:
    """Files' rows in a dict."""

    def __init__(self, store: MediaStore) -> None:
        self._store = store

    async def get(self, media_id: UUID) -> MediaFile | None:
        """A copy of the row."""
        media = self._store.media_files.get(media_id)
        return copy.deepcopy(media) if media else None

    async def get_for_update(self, media_id: UUID) -> MediaFile | None:
        """As get: the store lock already makes the unit of work the only writer."""
        return await self.get(media_id)

    async def add(self, media: MediaFile) -> None:
        """Insert."""
        self._store.media_files[media.id] = copy.deepcopy(media)

    async def delete(self, media_id: UUID) -> None:
        """Remove."""
        self._store.media_files.pop(media_id, None)

    async def list(self, query: MediaQuery) -> Page[MediaFile]:
        """Filter by owner, sort (id breaks ties), start after the cursor, slice."""
        items = list(self._store.media_files.values())
        if query.owner_id is not None:
            items = [m for m in items if m.owner_id == query.owner_id]
        value = MEDIA_SORT_VALUES[query.sort.field]
        items.sort(key=lambda m: _media_key(value(m), m.id), reverse=query.sort.descending)
        found = [copy.deepcopy(m) for m in items]
        return keyset_page(found, query.page, query.sort, value, _media_key)

    async def existing_keys(self, keys: Collection[str]) -> set[str]:
        """The keys with a row."""
        stored = {m.storage_key for m in self._store.media_files.values()}
        return {key for key in keys if key in stored}


class MemoryMediaUsage:
    """Which products show a file."""

    def __init__(self, store: MediaStore) -> None:
        self._store = store

    async def is_public(self, media_id: UUID) -> bool:
        """An active product shows it."""
        return any(p.active and media_id in p.image_ids for p in self._store.products.values())

    async def is_used(self, media_id: UUID) -> bool:
        """Any product refers to it."""
        return any(media_id in p.image_ids for p in self._store.products.values())


class MemoryAttachableImages:
    """The catalog's view of the files: who owns each."""

    def __init__(self, store: MediaStore) -> None:
        self._store = store

    async def owners(self, image_ids: Sequence[UUID]) -> dict[UUID, UUID]:
        """Owner by id, for the ids that exist."""
        files = self._store.media_files
        return {i: files[i].owner_id for i in image_ids if i in files}


class MemoryMediaRepositories(MemoryContextRepositories):
    """The media repositories of a memory unit of work, with the catalog's port onto the
    files (implemented here, where the files' table is)."""

    media_files: MediaRepository
    media_usage: MediaUsage
    attachable_images: AttachableImages

    REPOSITORIES = {
        "media_files": MemoryMediaRepository,
        "media_usage": MemoryMediaUsage,
        "attachable_images": MemoryAttachableImages,
    }
