"""Uploading: the type sniffed, the limit enforced while streaming, images cleaned, the object
written before its row, and nothing left behind by any failure."""

from __future__ import annotations

import hashlib
import io
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from media_kit import CHUNK, MediaKit, chunks_of
from PIL import Image

from application.media.commands import UploadMediaCommand
from application.shared.actor import Actor
from domain.accounts import Role
from domain.errors import PayloadTooLarge, PermissionDenied, ServiceUnavailable, ValidationFailed
from domain.media import EMPTY_FILE, MediaFile
from tests.support import media_samples

PDF = media_samples.pdf()
PNG = media_samples.png()


@pytest.fixture
def media(tmp_path: Path) -> Iterator[MediaKit]:
    """A media kit whose scratch folders live under tmp_path."""
    kit = MediaKit(scratch_root=tmp_path / "scratch", max_bytes=100_000)
    yield kit
    kit.cleanup()


async def _customer(media: MediaKit) -> Actor:
    return media.actor(await media.add_user())


def _rows(media: MediaKit) -> list[MediaFile]:
    return list(media.store.media_files.values())


async def test_a_document_is_streamed_to_storage_as_sent_and_then_recorded(media: MediaKit):
    ana = await _customer(media)

    view = await media.upload(ana, PDF, "../../etc/Terms\x00.pdf")

    head = await media.storage.head(str(view.id))
    assert await media.storage.data(str(view.id)) == PDF
    assert (head.content_type, dict(head.metadata)) == (
        "application/pdf",
        {"filename": "Terms.pdf"},
    )
    assert (view.filename, view.content_type, view.size_bytes) == (
        "Terms.pdf",
        "application/pdf",
        len(PDF),
    )
    assert view.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (view.width, view.height, view.owner_id) == (None, None, ana.user_id)
    assert media.store.media_files[view.id].storage_key == str(view.id)
    assert media.storage.calls == ["put"]


async def test_the_type_is_sniffed_never_taken_from_the_name_or_the_declared_type(
    media: MediaKit,
):
    ana = await _customer(media)
    command = UploadMediaCommand("notes.txt", chunks_of(PDF), declared_type="text/plain")

    view = await media.uploader()(ana, command)

    assert view.content_type == "application/pdf"


@pytest.mark.parametrize(
    "content", [media_samples.HTML, media_samples.SVG, b"just some text", b"\x00" * 100]
)
async def test_anything_but_the_allowed_types_is_refused_and_nothing_is_stored(
    media: MediaKit, content: bytes
):
    ana = await _customer(media)

    with pytest.raises(ValidationFailed) as refused:
        await media.upload(ana, content, "cat.png")

    assert [e.field for e in refused.value.errors] == ["file"]
    assert media.storage.keys == [] and _rows(media) == []


async def test_an_empty_file_is_refused(media: MediaKit):
    ana = await _customer(media)

    with pytest.raises(ValidationFailed, match=EMPTY_FILE):
        await media.upload(ana, b"")

    assert media.storage.calls == []


async def test_a_file_over_the_limit_is_refused_as_soon_as_it_passes_it(media: MediaKit):
    ana = await _customer(media)
    pulled: list[int] = []

    async def endless() -> AsyncIterator[bytes]:
        yield PDF
        while True:
            pulled.append(CHUNK)
            yield b"%" * CHUNK

    with pytest.raises(PayloadTooLarge):
        await media.uploader()(ana, UploadMediaCommand("big.pdf", endless()))

    # 100 000 bytes pass in the second chunk: nothing after it was asked for.
    assert len(pulled) == 2
    assert media.storage.keys == [] and _rows(media) == []


async def test_a_file_of_exactly_the_limit_is_accepted(media: MediaKit):
    ana = await _customer(media)
    content = PDF + b"%" * (media.max_bytes - len(PDF))

    view = await media.upload(ana, content)

    assert view.size_bytes == media.max_bytes


async def test_an_image_is_spooled_cleaned_and_the_clean_copy_stored(media: MediaKit):
    ana = await _customer(media)
    sent = media_samples.jpeg_with_gps(orientation=6)

    view = await media.upload(ana, sent, "photo.jpg")

    stored = await media.storage.data(str(view.id))
    assert stored != sent and media_samples.SECRET.encode() not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size) == ("JPEG", (20, 40))
    assert media.storage.calls == ["put_file"]
    assert (view.size_bytes, view.sha256) == (len(stored), hashlib.sha256(stored).hexdigest())
    assert (view.content_type, view.width, view.height) == ("image/jpeg", 20, 40)
    assert media.scratch_left() == []


async def test_an_image_the_cleaner_refuses_is_a_400_and_leaves_nothing(media: MediaKit):
    ana = await _customer(media)
    bomb = media_samples.png_declaring(30_000, 30_000)

    with pytest.raises(ValidationFailed) as refused:
        await media.upload(ana, bomb, "bomb.png")

    assert [e.field for e in refused.value.errors] == ["file"]
    assert media.storage.keys == [] and _rows(media) == []
    assert media.scratch_left() == []


@pytest.mark.parametrize("content", [PDF, PNG], ids=["document", "image"])
async def test_a_client_gone_mid_upload_leaves_no_object_row_or_scratch_file(
    media: MediaKit, content: bytes
):
    ana = await _customer(media)

    async def cut_off() -> AsyncIterator[bytes]:
        yield content
        raise ConnectionResetError("client disconnected")

    with pytest.raises(ConnectionResetError):
        await media.uploader()(ana, UploadMediaCommand("x", cut_off()))

    assert media.storage.keys == [] and _rows(media) == []
    assert media.scratch_left() == []


@pytest.mark.parametrize("content", [PDF, PNG], ids=["document", "image"])
async def test_storage_down_is_a_503_and_no_row(media: MediaKit, content: bytes):
    ana = await _customer(media)
    media.storage.down = True

    with pytest.raises(ServiceUnavailable):
        await media.upload(ana, content)

    assert _rows(media) == [] and media.scratch_left() == []


async def test_the_object_is_removed_when_its_row_cannot_be_written(media: MediaKit):
    ana = await _customer(media)

    class BrokenUnitOfWork:
        async def __aenter__(self) -> object:
            raise ServiceUnavailable("The database is unavailable")

        async def __aexit__(self, *args: object) -> None:
            return None

    with pytest.raises(ServiceUnavailable):
        await media.upload_media(uow=BrokenUnitOfWork(), max_bytes=media.max_bytes)(
            ana, UploadMediaCommand("terms.pdf", chunks_of(PDF))
        )

    assert media.storage.calls == ["put", "delete"]
    assert media.storage.keys == []


async def test_the_cli_operator_owns_no_files(media: MediaKit):
    with pytest.raises(PermissionDenied):
        await media.upload(Actor.system(), PDF)


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ADMIN])
async def test_staff_upload_like_anyone(media: MediaKit, role: Role):
    staff = media.actor(await media.add_user("staff@example.com", role=role))

    view = await media.upload(staff, PDF)

    assert view.owner_id == staff.user_id
