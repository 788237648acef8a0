"""The media context: uploaded files, their bytes in storage, cleaned images."""

from __future__ import annotations

from pathlib import Path

from dependency_injector import containers, providers

from adapters.pillow_images import PillowImageCleaner
from adapters.scratch import LocalScratchSpace
from application.media.delete_media import DeleteMedia
from application.media.get_media_info import GetMediaInfo
from application.media.list_media import ListMedia
from application.media.open_media import OpenMedia
from application.media.presign_media import PresignMedia
from application.media.sweep_orphan_media import SweepOrphanMedia
from application.media.upload_media import UploadMedia
from entrypoints.containers.access import OptionalCaller, SignedIn


def _scratch_root(var_dir: str) -> Path:
    # Beside the database and mail, not in the media folder the orphan sweep lists.
    return Path(var_dir) / "tmp"


class MediaContainer(containers.DeclarativeContainer):
    """The media use cases, wired to the shared adapters in `core` (storage among them) and
    to the two adapters only media use: the image cleaner and the scratch folders."""

    core = providers.DependenciesContainer()

    image_cleaner = providers.Singleton(
        PillowImageCleaner, max_pixels=core.settings.provided.media_max_pixels
    )
    scratch = providers.Singleton(
        LocalScratchSpace,
        root=providers.Callable(_scratch_root, core.settings.provided.var_dir),
    )

    # --- signed-in users: their own files (admins: everyone's) ---------------------------
    upload_media = SignedIn(
        UploadMedia,
        uow=core.uow,
        storage=core.storage,
        cleaner=image_cleaner,
        scratch=scratch,
        clock=core.clock,
        max_bytes=core.settings.provided.media_max_bytes,
    )
    list_media = SignedIn(ListMedia, uow=core.read_uow)
    delete_media = SignedIn(DeleteMedia, uow=core.uow, storage=core.storage)

    # --- anyone, for files an active product shows -----------------------------------------
    get_media_info = OptionalCaller(GetMediaInfo, uow=core.read_uow)
    open_media = OptionalCaller(OpenMedia, uow=core.read_uow, storage=core.storage)
    presign_media = OptionalCaller(
        PresignMedia,
        uow=core.read_uow,
        storage=core.storage,
        expires_seconds=core.settings.provided.media_presign_seconds,
    )

    # --- the worker and the CLI --------------------------------------------------------------
    sweep_orphan_media = providers.Factory(
        SweepOrphanMedia,
        uow=core.read_uow,
        storage=core.storage,
        clock=core.clock,
        orphan_age_seconds=core.settings.provided.media_orphan_age_seconds,
    )
