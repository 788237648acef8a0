"""Who sees, downloads, lists and deletes which file; and the sweep of orphaned objects."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from media_kit import MediaKit, chunks_of

from application.media.commands import ListMediaQuery, OpenMediaCommand
from application.media.views import MediaDownload
from application.shared.actor import Actor
from application.shared.paging import PageRequest
from domain.accounts import Role
from domain.errors import RangeNotSatisfiable, ServiceUnavailable, ValidationFailed
from domain.media import MediaInUse, MediaNotFound
from tests.support import media_samples

PDF = media_samples.pdf()


@pytest.fixture
def media(tmp_path: Path) -> Iterator[MediaKit]:
    """A media kit whose scratch folders live under tmp_path."""
    kit = MediaKit(scratch_root=tmp_path / "scratch", max_bytes=100_000)
    yield kit
    kit.cleanup()


@pytest.fixture
async def people(media: MediaKit) -> dict[str, Actor]:
    """The owner, another customer, an editor and an admin."""
    return {
        "ana": media.actor(await media.add_user("ana@example.com")),
        "bob": media.actor(await media.add_user("bob@example.com")),
        "eve": media.actor(await media.add_user("eve@example.com", role=Role.EDITOR)),
        "root": media.actor(await media.add_user("root@example.com", role=Role.ADMIN)),
    }


async def _read(download: MediaDownload) -> bytes:
    assert download.read is not None
    try:
        return b"".join([chunk async for chunk in download.read.chunks])
    finally:
        await download.read.aclose()


# --- visibility --------------------------------------------------------------------------------


async def test_a_private_file_is_its_owners_and_the_admins_only(media, people):
    view = await media.upload(people["ana"], PDF)
    info = media.get_media_info()

    assert (await info(people["ana"], view.id)).id == view.id
    assert (await info(people["root"], view.id)).id == view.id
    for stranger in (people["bob"], people["eve"], None):
        with pytest.raises(MediaNotFound):
            await info(stranger, view.id)


async def test_a_file_an_active_product_shows_is_public_and_an_inactive_one_is_not(media, people):
    shown, hidden = await media.upload(people["ana"], PDF), await media.upload(people["ana"], PDF)
    media.show_on_product([shown.id])
    media.show_on_product([hidden.id], active=False)
    info = media.get_media_info()

    assert (await info(None, shown.id)).id == shown.id
    with pytest.raises(MediaNotFound):
        await info(None, hidden.id)


async def test_an_unknown_file_is_not_found(media, people):
    with pytest.raises(MediaNotFound):
        await media.get_media_info()(people["root"], uuid4())


# --- downloading ---------------------------------------------------------------------------------


async def test_the_owner_downloads_the_whole_file(media, people):
    view = await media.upload(people["ana"], PDF)

    download = await media.open_media()(people["ana"], OpenMediaCommand(view.id))

    assert not download.partial and download.media == view
    assert await _read(download) == PDF


async def test_a_range_reads_only_those_bytes(media, people):
    view = await media.upload(people["ana"], PDF)
    command = OpenMediaCommand(view.id, byte_range=lambda size: (2, 5))

    download = await media.open_media()(people["ana"], command)

    assert download.partial and download.read is not None
    assert (download.read.start, download.read.end, download.read.size) == (2, 5, len(PDF))
    assert await _read(download) == PDF[2:6]


async def test_a_range_is_resolved_only_for_a_caller_who_may_see_the_file(media, people):
    view = await media.upload(people["ana"], PDF)
    asked: list[int] = []

    def refuse(size: int) -> None:
        asked.append(size)
        raise RangeNotSatisfiable(size)

    with pytest.raises(MediaNotFound):
        await media.open_media()(people["bob"], OpenMediaCommand(view.id, byte_range=refuse))
    with pytest.raises(RangeNotSatisfiable):
        await media.open_media()(people["ana"], OpenMediaCommand(view.id, byte_range=refuse))

    assert asked == [len(PDF)]


async def test_a_current_copy_opens_no_read(media, people):
    view = await media.upload(people["ana"], PDF)
    calls = len(media.storage.calls)
    command = OpenMediaCommand(view.id, cached=lambda sha256: sha256 == view.sha256)

    download = await media.open_media()(people["ana"], command)

    assert download.read is None and download.media == view
    assert len(media.storage.calls) == calls


async def test_a_download_while_storage_is_down_is_a_503(media, people):
    view = await media.upload(people["ana"], PDF)
    media.storage.down = True

    with pytest.raises(ServiceUnavailable):
        await media.open_media()(people["ana"], OpenMediaCommand(view.id))


async def test_a_row_whose_object_is_missing_is_not_found(media, people):
    view = await media.upload(people["ana"], PDF)
    await media.storage.delete(str(view.id))

    with pytest.raises(MediaNotFound):
        await media.open_media()(people["ana"], OpenMediaCommand(view.id))


async def test_a_presigned_url_needs_the_file_to_be_visible(media, people):
    view = await media.upload(people["ana"], PDF)
    presign = media.presign_media(expires_seconds=60)

    assert await presign(people["ana"], view.id) is None  # local storage: stream instead
    media.storage.presign_base = "https://bucket.example"
    assert await presign(people["ana"], view.id) == f"https://bucket.example/{view.id}?expires=60"
    with pytest.raises(MediaNotFound):
        await presign(people["bob"], view.id)


# --- listing -----------------------------------------------------------------------------------


async def _names(media: MediaKit, actor: Actor, **query: object) -> list[str]:
    page = await media.list_media()(actor, ListMediaQuery(**query))  # type: ignore[arg-type]
    return [view.filename for view in page.items]


async def test_people_list_their_own_files_newest_first_and_admins_everyones(media, people):
    await media.upload(people["ana"], PDF, "a.pdf")
    media.clock.advance(timedelta(seconds=1))
    await media.upload(people["bob"], PDF + b"%%", "b.pdf")
    media.clock.advance(timedelta(seconds=1))
    await media.upload(people["ana"], PDF + b"%%%%", "c.pdf")
    bob_id = people["bob"].user_id

    assert await _names(media, people["ana"]) == ["c.pdf", "a.pdf"]
    assert await _names(media, people["ana"], owner_id=bob_id) == ["c.pdf", "a.pdf"]
    assert await _names(media, people["root"]) == ["c.pdf", "b.pdf", "a.pdf"]
    assert await _names(media, people["root"], owner_id=bob_id) == ["b.pdf"]
    assert await _names(media, people["root"], sort="sizeBytes") == ["a.pdf", "b.pdf", "c.pdf"]
    page = await media.list_media()(people["ana"], ListMediaQuery(page=PageRequest(2, 1)))
    assert ([v.filename for v in page.items], page.total) == (["a.pdf"], 2)


@pytest.mark.parametrize("sort", ["", "filename", "-", "--createdAt"])
async def test_an_unknown_sort_is_refused(media, people, sort: str):
    with pytest.raises(ValidationFailed) as refused:
        await media.list_media()(people["ana"], ListMediaQuery(sort=sort))

    assert [e.field for e in refused.value.errors] == ["sort"]


# --- deleting ----------------------------------------------------------------------------------


async def test_the_owner_deletes_a_file_row_first_then_its_object(media, people):
    view = await media.upload(people["ana"], PDF)

    await media.delete_media()(people["ana"], view.id)

    assert view.id not in media.store.media_files
    assert str(view.id) not in media.storage.keys


async def test_admins_delete_anyones_file_and_nobody_else_does(media, people):
    view = await media.upload(people["ana"], PDF)

    for stranger in (people["bob"], people["eve"]):
        with pytest.raises(MediaNotFound):
            await media.delete_media()(stranger, view.id)
    await media.delete_media()(people["root"], view.id)

    assert media.store.media_files == {}


@pytest.mark.parametrize("active", [True, False])
async def test_a_file_any_product_refers_to_cannot_be_deleted(media, people, active: bool):
    view = await media.upload(people["ana"], PDF)
    media.show_on_product([view.id], active=active)

    with pytest.raises(MediaInUse):
        await media.delete_media()(people["ana"], view.id)

    assert view.id in media.store.media_files and str(view.id) in media.storage.keys


async def test_a_failed_object_delete_still_deletes_the_file_and_leaves_it_to_the_sweep(
    media, people
):
    view = await media.upload(people["ana"], PDF)
    media.storage.fail_deletes = True

    await media.delete_media()(people["ana"], view.id)

    assert view.id not in media.store.media_files
    assert str(view.id) in media.storage.keys


# --- the orphan sweep ----------------------------------------------------------------------------


async def _put(media: MediaKit, key: str) -> None:
    await media.storage.put(key, chunks_of(b"%PDF-1.4 left over"), "application/pdf", {})


async def test_the_sweep_deletes_old_objects_without_a_row_and_nothing_else(media, people):
    old_orphan, young_orphan = str(uuid4()), str(uuid4())
    await _put(media, old_orphan)
    await _put(media, "not-one-of-ours")
    old_kept = await media.upload(people["ana"], PDF)
    media.clock.advance(timedelta(minutes=90))
    await _put(media, young_orphan)
    media.clock.advance(timedelta(minutes=30))

    deleted = await media.sweep_orphan_media(orphan_age_seconds=3600)()

    assert deleted == 1
    assert media.storage.keys == sorted([str(old_kept.id), "not-one-of-ours", young_orphan])


async def test_the_sweep_with_storage_down_is_a_503(media):
    media.storage.down = True

    with pytest.raises(ServiceUnavailable):
        await media.sweep_orphan_media()()
