"""Settings: the STORAGE_BACKEND and MEDIA_* variables are read, checked and pick the storage."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.storage.local import LocalObjectStorage
from adapters.storage.s3 import S3ObjectStorage
from entrypoints.containers import create_container
from entrypoints.settings import SettingsError, load_settings

_BASE = {"APP_ENV": "development", "JWT_SECRET": "x" * 40, "DATABASE_URL": "sqlite+aiosqlite://"}


def test_media_defaults_are_the_contracts_and_a_folder_under_var_dir() -> None:
    settings = load_settings({**_BASE, "VAR_DIR": "/srv/shop"})

    assert (settings.storage_backend, settings.media_dir) == ("local", "/srv/shop/media")
    assert settings.media_max_bytes == 10_485_760
    assert (settings.media_presign_seconds, settings.media_orphan_age_seconds) == (300, 3600)
    assert settings.media_max_pixels == 40_000_000


def test_media_settings_are_read() -> None:
    env = {
        **_BASE,
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": "shop-media",
        "MEDIA_DIR": "/elsewhere",
        "MEDIA_MAX_BYTES": "1000",
        "MEDIA_PRESIGN_SECONDS": "60",
        "MEDIA_MAX_PIXELS": "1000000",
        "MEDIA_ORPHAN_AGE_SECONDS": "120",
    }

    settings = load_settings(env)

    assert (settings.storage_backend, settings.s3_bucket) == ("s3", "shop-media")
    assert (settings.media_dir, settings.media_max_bytes) == ("/elsewhere", 1000)
    assert (settings.media_presign_seconds, settings.media_max_pixels) == (60, 1_000_000)
    assert settings.media_orphan_age_seconds == 120


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"STORAGE_BACKEND": "s3"}, "S3_BUCKET"),
        ({"STORAGE_BACKEND": "s3", "S3_BUCKET": ""}, "S3_BUCKET"),
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND"),
        ({"MEDIA_MAX_BYTES": "0"}, "MEDIA_MAX_BYTES"),
        ({"MEDIA_MAX_BYTES": "10MB"}, "MEDIA_MAX_BYTES"),
        ({"MEDIA_PRESIGN_SECONDS": "0"}, "MEDIA_PRESIGN_SECONDS"),
        ({"MEDIA_PRESIGN_SECONDS": "604801"}, "MEDIA_PRESIGN_SECONDS"),
        ({"MEDIA_MAX_PIXELS": "-1"}, "MEDIA_MAX_PIXELS"),
        ({"MEDIA_ORPHAN_AGE_SECONDS": "soon"}, "MEDIA_ORPHAN_AGE_SECONDS"),
    ],
)
def test_a_bad_media_setting_stops_start_up_naming_the_variable(
    env: dict[str, str], named: str
) -> None:
    with pytest.raises(SettingsError, match=named) as caught:
        load_settings({**_BASE, **env})

    assert "\n" not in str(caught.value)


def test_a_week_of_presigning_is_allowed() -> None:
    assert load_settings({**_BASE, "MEDIA_PRESIGN_SECONDS": "604800"}).media_presign_seconds


def test_the_local_backend_stores_under_media_dir() -> None:
    container = create_container(load_settings({**_BASE, "MEDIA_DIR": "/srv/media"}))

    storage = container.core.storage()

    assert isinstance(storage, LocalObjectStorage)
    assert storage.name == "local"
    assert storage._root == Path("/srv/media")
    assert container.core.storage() is storage


def test_the_s3_backend_uses_the_bucket_region_and_endpoint() -> None:
    env = {
        **_BASE,
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": "shop-media",
        "AWS_REGION": "eu-west-3",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    }
    container = create_container(load_settings(env))

    storage = container.core.storage()

    assert isinstance(storage, S3ObjectStorage)
    assert storage.name == "s3"
    assert (storage._bucket, storage._region, storage._endpoint_url) == (
        "shop-media",
        "eu-west-3",
        "http://127.0.0.1:9",
    )
    assert container.core.storage() is storage
