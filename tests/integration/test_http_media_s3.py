"""The media flow with STORAGE_BACKEND=s3 on moto's server: upload (a cleaned photo and a
document streamed as sent), download, Range, `?redirect=true` to a presigned URL that serves
the file with its name, deletion and the sweep."""

from __future__ import annotations

import hashlib
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from litestar.testing import AsyncTestClient
from PIL import ExifTags, Image

from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.integration.conftest import Client, bearer, make_settings
from tests.integration.media_helpers import media_container, media_settings, sign_up, upload
from tests.support import media_samples
from tests.support.databases import copy_sqlite_database, sqlite_url
from tests.support.moto_server import MOTO_REGION, moto_endpoint, s3_bucket, s3_client

pytestmark = pytest.mark.moto

__all__ = ["moto_endpoint", "s3_bucket"]  # fixtures, used by name

PDF = media_samples.pdf() + b"0123456789" * 100
NAME = "Prospekt 2026 \u2013 Übersicht.pdf"  # an en dash


class Shop:
    """The app on S3, a customer's token, and the bucket."""

    container: Container
    client: Client
    token: str
    bucket: str
    endpoint: str

    def keys(self) -> list[str]:
        """Every key in the bucket."""
        listing = s3_client(self.endpoint).list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.fixture
async def shop(
    tmp_path: Path, migrated_sqlite: Path, moto_endpoint: str, s3_bucket: str
) -> AsyncIterator[Shop]:
    """The app with STORAGE_BACKEND=s3 on a fresh bucket."""
    database = copy_sqlite_database(migrated_sqlite, tmp_path / "hexashop.db")
    settings = media_settings(
        make_settings(tmp_path, sqlite_url(database)),
        tmp_path,
        storage_backend="s3",
        s3_bucket=s3_bucket,
        aws_region=MOTO_REGION,
        aws_endpoint_url=moto_endpoint,
    )
    built = Shop()
    built.container = media_container(settings)
    built.bucket, built.endpoint = s3_bucket, moto_endpoint
    async with AsyncTestClient(app=create_app(built.container)) as client:
        built.client = client
        built.token = await sign_up(built.container, client, "ana@example.com")
        yield built


async def _uploaded(shop: Shop, content: bytes, name: str) -> dict[str, Any]:
    response = await upload(shop.client, shop.token, content, name)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_document_is_stored_in_the_bucket_under_its_id_with_its_name(shop: Shop) -> None:
    media = await _uploaded(shop, PDF, NAME)

    head = s3_client(shop.endpoint).head_object(Bucket=shop.bucket, Key=media["id"])
    downloaded = await shop.client.get(media["url"], headers=bearer(shop.token))
    ranged = await shop.client.get(
        media["url"], headers={**bearer(shop.token), "Range": "bytes=100-109"}
    )

    assert shop.keys() == [media["id"]]
    assert head["ContentType"] == "application/pdf"
    assert head["ContentLength"] == len(PDF)
    assert head["Metadata"]["filename"].isascii()
    assert (downloaded.status_code, downloaded.content) == (200, PDF)
    assert downloaded.headers["etag"] == f'"{hashlib.sha256(PDF).hexdigest()}"'
    assert (ranged.status_code, ranged.content) == (206, PDF[100:110])
    assert ranged.headers["content-range"] == f"bytes 100-109/{len(PDF)}"


async def test_redirect_is_a_presigned_url_that_serves_the_file_as_an_attachment(
    shop: Shop,
) -> None:
    media = await _uploaded(shop, PDF, NAME)

    response = await shop.client.get(
        f"{media['url']}?redirect=true", headers=bearer(shop.token), follow_redirects=False
    )

    assert response.status_code == 302
    location = response.headers["location"]
    url = urlsplit(location)
    query = parse_qs(url.query)
    assert url.path == f"/{shop.bucket}/{media['id']}" or url.path == f"/{media['id']}"
    assert query["X-Amz-Expires"] == [str(shop.container.settings().media_presign_seconds)]
    assert "X-Amz-Signature" in query
    assert query["response-content-type"] == ["application/pdf"]
    assert f"filename*=UTF-8''{quote(NAME, safe='')}" in query["response-content-disposition"][0]
    fetched = httpx.get(location)
    assert (fetched.status_code, fetched.content) == (200, PDF)
    assert fetched.headers["content-disposition"].startswith("attachment;")


async def test_a_photo_is_cleaned_before_it_reaches_the_bucket(shop: Shop) -> None:
    media = await _uploaded(shop, media_samples.jpeg_with_gps(), "beach.jpg")

    stored = s3_client(shop.endpoint).get_object(Bucket=shop.bucket, Key=media["id"])["Body"].read()

    assert media_samples.SECRET.encode() not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert media["sha256"] == hashlib.sha256(stored).hexdigest()


async def test_deleting_removes_the_object_and_the_sweep_leaves_files_alone(shop: Shop) -> None:
    kept = await _uploaded(shop, PDF, "kept.pdf")
    doomed = await _uploaded(shop, PDF, "doomed.pdf")

    deleted = await shop.client.delete(doomed["url"], headers=bearer(shop.token))
    swept = await shop.container.media.sweep_orphan_media(orphan_age_seconds=0)()

    assert deleted.status_code == 204
    assert swept == 0
    assert shop.keys() == [kept["id"]]


async def test_an_orphan_in_the_bucket_is_swept(shop: Shop) -> None:
    kept = await _uploaded(shop, PDF, "kept.pdf")
    orphan = "8d4f2a51-3a1b-4c7e-9b7e-0a1b2c3d4e5f"
    s3_client(shop.endpoint).put_object(Bucket=shop.bucket, Key=orphan, Body=b"%PDF-1.4 x")

    swept = await shop.container.media.sweep_orphan_media(orphan_age_seconds=0)()

    assert swept == 1
    assert shop.keys() == [kept["id"]]
