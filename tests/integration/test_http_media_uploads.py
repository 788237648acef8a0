"""POST /media over HTTP, attacked: spoofed types, hostile images, empty and oversized files,
clients that go away, storage outages. None is a 500, none leaves an object without a row,
a row without an object or a scratch file behind."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import ExifTags, Image

from adapters.storage.local import LocalObjectStorage
from application.media.commands import ListMediaQuery
from application.shared.actor import Actor
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.integration.conftest import API, Client, assert_error_body, bearer, make_settings
from tests.integration.media_helpers import (
    BOUNDARY,
    MAX_BYTES,
    RawExchange,
    http_scope,
    media_container,
    media_settings,
    multipart,
    scratch_files,
    sign_up,
    stored_objects,
    upload,
)
from tests.support import media_samples
from tests.support.databases import copy_sqlite_database, sqlite_url
from tests.support.storage import SwitchableStorage

PDF = media_samples.pdf()


class Shop:
    """The app, its container and settings, and a customer's token."""

    def __init__(self, app: Litestar, container: Container, client: Client, token: str) -> None:
        self.app, self.container, self.client, self.token = app, container, client, token
        self.settings = container.settings()

    async def rows(self) -> list[str]:
        """The ids of every file's row."""
        page = await self.container.media.list_media()(Actor.system(), ListMediaQuery())
        return [str(view.id) for view in page.items]

    async def nothing_kept(self) -> bool:
        """No row, no object, no scratch file."""
        return (await self.rows(), stored_objects(self.settings), scratch_files(self.settings)) == (
            [],
            [],
            [],
        )


@pytest.fixture
async def shop(tmp_path: Path, migrated_sqlite: Path) -> AsyncIterator[Shop]:
    """The app on a fresh SQLite copy with local storage under tmp_path."""
    database = copy_sqlite_database(migrated_sqlite, tmp_path / "hexashop.db")
    settings = media_settings(make_settings(tmp_path, sqlite_url(database)), tmp_path)
    container = media_container(settings)
    app = create_app(container)
    async with AsyncTestClient(app=app) as client:
        token = await sign_up(container, client, "ana@example.com")
        yield Shop(app, container, client, token)


# --- what is accepted -------------------------------------------------------------------------


async def test_a_png_declared_as_text_is_stored_as_a_png(shop: Shop) -> None:
    response = await upload(shop.client, shop.token, media_samples.png(), "cat.png", "text/plain")

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["contentType"], body["filename"]) == ("image/png", "cat.png")
    assert (body["width"], body["height"]) == (4, 4)
    assert body["url"] == f"{API}/media/{body['id']}"
    assert set(body) == {
        "id", "ownerId", "filename", "contentType", "sizeBytes", "sha256", "width", "height",
        "url", "createdAt",
    }  # fmt: skip
    files = [p.name for p in stored_objects(shop.settings)]
    # The object, and the local adapter's hidden metadata beside it: no temporary file.
    assert [name for name in files if not name.startswith(".")] == [body["id"]]
    assert all(name == f".{body['id']}.meta.json" for name in files if name.startswith("."))
    assert scratch_files(shop.settings) == []


async def test_a_jpeg_with_gps_comes_back_without_it_and_turned_upright(shop: Shop) -> None:
    sent = media_samples.jpeg_with_gps(orientation=6)
    assert media_samples.SECRET.encode() in sent

    created = await upload(shop.client, shop.token, sent, "beach.jpg", "image/jpeg")
    media = created.json()
    downloaded = await shop.client.get(f"{API}/media/{media['id']}", headers=bearer(shop.token))

    assert created.status_code == 201, created.text
    assert downloaded.status_code == 200
    body = downloaded.content
    assert media_samples.SECRET.encode() not in body
    with Image.open(io.BytesIO(body)) as image:
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert image.getexif().get(ExifTags.Base.Orientation) in (None, 1)
        assert image.size == (20, 40) == (media["width"], media["height"])
    assert media["sizeBytes"] == len(body)


async def test_a_document_is_stored_byte_for_byte(shop: Shop) -> None:
    created = await upload(shop.client, shop.token, PDF, "terms.pdf")
    downloaded = await shop.client.get(created.json()["url"], headers=bearer(shop.token))

    assert downloaded.content == PDF


async def test_a_file_of_exactly_the_limit_is_accepted(shop: Shop) -> None:
    content = PDF + b"%" * (MAX_BYTES - len(PDF))

    response = await upload(shop.client, shop.token, content)

    assert response.status_code == 201, response.text
    assert response.json()["sizeBytes"] == MAX_BYTES


# --- what is refused ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (media_samples.HTML, "cute-cat.png"),
        (media_samples.SVG, "logo.svg"),
        (b"plain text, honestly", "notes.pdf"),
    ],
    ids=["html-named-png", "svg", "text"],
)
async def test_a_type_that_is_not_allowed_is_a_400_on_file(
    shop: Shop, content: bytes, filename: str
) -> None:
    response = await upload(shop.client, shop.token, content, filename, "image/png")

    body = assert_error_body(response, 400, "BadRequest")
    assert [e["field"] for e in body["errors"]] == ["file"]
    assert await shop.nothing_kept()


async def test_a_pixel_bomb_is_a_400_and_leaves_nothing(shop: Shop) -> None:
    bomb = media_samples.png_declaring(30_000, 30_000)

    response = await upload(shop.client, shop.token, bomb, "bomb.png", "image/png")

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"][0]["field"] == "file"
    assert await shop.nothing_kept()


async def test_an_empty_file_is_a_400(shop: Shop) -> None:
    response = await upload(shop.client, shop.token, b"", "empty.pdf")

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"] == [{"field": "file", "message": "The file is empty"}]
    assert await shop.nothing_kept()


async def test_one_byte_over_the_limit_is_a_413_and_leaves_nothing(shop: Shop) -> None:
    content = PDF + b"%" * (MAX_BYTES + 1 - len(PDF))

    response = await upload(shop.client, shop.token, content)

    assert_error_body(response, 413, "PayloadTooLarge")
    assert await shop.nothing_kept()


async def test_an_announced_body_far_over_the_limit_is_refused_before_it_is_read(
    shop: Shop,
) -> None:
    exchange = RawExchange([multipart(PDF)], hang_up=False)
    headers = {
        **bearer(shop.token),
        "content-type": f"multipart/form-data; boundary={BOUNDARY}",
        "content-length": str(100 * MAX_BYTES),
    }

    await shop.app(http_scope("POST", f"{API}/media", headers), exchange.receive, exchange.send)

    assert exchange.status == 413
    assert exchange.received == 0


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"file": "x"}'),
        ("multipart/form-data", multipart(PDF)),  # no boundary
        (f"multipart/form-data; boundary={BOUNDARY}", b"--nope\r\n\r\n"),
        (
            f"multipart/form-data; boundary={BOUNDARY}",
            multipart(PDF).replace(b'name="file"', b'name="other"'),
        ),
    ],
    ids=["json", "no-boundary", "malformed", "no-file-field"],
)
async def test_a_body_without_a_file_part_is_a_400_on_file(
    shop: Shop, content_type: str, body: bytes
) -> None:
    response = await shop.client.post(
        f"{API}/media", content=body, headers={**bearer(shop.token), "Content-Type": content_type}
    )

    errors = assert_error_body(response, 400, "BadRequest")["errors"]
    assert [e["field"] for e in errors] == ["file"]
    assert await shop.nothing_kept()


async def test_an_anonymous_upload_is_a_401_before_a_byte_is_read(shop: Shop) -> None:
    exchange = RawExchange([multipart(PDF)], hang_up=False)
    headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}

    await shop.app(http_scope("POST", f"{API}/media", headers), exchange.receive, exchange.send)

    assert exchange.status == 401
    assert exchange.received == 0


@pytest.mark.parametrize(
    "content", [PDF + b"%" * 100_000, media_samples.png()], ids=["document", "image"]
)
async def test_a_client_gone_mid_upload_leaves_no_object_row_or_scratch_file(
    shop: Shop, content: bytes
) -> None:
    body = multipart(content)
    half = len(body) // 2
    exchange = RawExchange([body[:1000], body[1000:half]], hang_up=True)
    headers = {
        **bearer(shop.token),
        "content-type": f"multipart/form-data; boundary={BOUNDARY}",
        "content-length": str(len(body)),
    }

    await shop.app(http_scope("POST", f"{API}/media", headers), exchange.receive, exchange.send)

    assert exchange.status != 500 and exchange.status is not None
    assert await shop.nothing_kept()


async def test_storage_down_is_a_503_and_nothing_is_kept(shop: Shop) -> None:
    storage = SwitchableStorage(LocalObjectStorage(Path(shop.settings.media_dir)))
    storage.down = True
    shop.container.core.storage.override(providers.Object(storage))

    for content in (PDF, media_samples.png()):
        response = await upload(shop.client, shop.token, content)
        assert_error_body(response, 503, "ServiceUnavailable")

    assert await shop.nothing_kept()
