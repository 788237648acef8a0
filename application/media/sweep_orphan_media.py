"""Use case: remove stored objects that no row refers to (left by crashes and failures)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from application.media.ports import MediaUnitOfWork, ObjectStorage, StorageUnavailable
from application.media.upload_media import STORAGE_DOWN
from application.shared.ports import Clock
from domain.errors import ServiceUnavailable

# Keys looked up per query.
SWEEP_BATCH = 500


def _is_media_key(key: str) -> bool:
    """Only keys this application makes (file ids) are ever deleted; anything else someone
    put in the bucket or folder is left alone."""
    try:
        return str(UUID(key)) == key
    except ValueError:
        return False


class SweepOrphanMedia:
    """Delete objects older than the orphan age that have no row; how many were deleted.

    An upload writes its object first and its row right after, so an object without a row
    that old was never going to get one. Young objects are left alone: their upload may be
    committing its row right now.
    """

    def __init__(
        self, uow: MediaUnitOfWork, storage: ObjectStorage, clock: Clock, orphan_age_seconds: int
    ) -> None:
        self._uow = uow
        self._storage = storage
        self._clock = clock
        self._orphan_age = timedelta(seconds=orphan_age_seconds)

    async def __call__(self) -> int:
        """The number of orphans removed, or ServiceUnavailable."""
        cutoff = self._clock.now() - self._orphan_age
        try:
            keys = [k for k in await self._storage.keys_older_than(cutoff) if _is_media_key(k)]
            deleted = 0
            for start in range(0, len(keys), SWEEP_BATCH):
                batch = keys[start : start + SWEEP_BATCH]
                async with self._uow as uow:
                    known = await uow.media_files.existing_keys(batch)
                for key in batch:
                    if key not in known:
                        await self._storage.delete(key)
                        deleted += 1
        except StorageUnavailable as exc:
            raise ServiceUnavailable(STORAGE_DOWN) from exc
        return deleted
