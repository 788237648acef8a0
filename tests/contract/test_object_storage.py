"""Contract of the ObjectStorage port, held by memory, the local folder and S3 (moto's server)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import anyio
import httpx
import pytest

from adapters.memory.storage import MemoryObjectStorage
from adapters.storage.common import CHUNK_SIZE
from adapters.storage.local import LocalObjectStorage
from adapters.storage.s3 import MIN_PART_SIZE, S3ObjectStorage
from application.media.ports import ObjectRead, StorageUnavailable, StoredObjectMissing
from domain.errors import RangeNotSatisfiable
from tests.support.moto_server import MOTO_REGION, moto_endpoint, s3_bucket, s3_client  # noqa: F401

MiB = 1024 * 1024
KEY = "0b9f6a52-3a43-4a1e-9d59-2f4c1c7e9e01"
# An en dash, CJK, an emoji, a percent sign and guillemets: none of it is ASCII-safe.
FILENAME = "Ünïcødé résumé \u2013 東京 📷 100% «final».png"
META = {"filename": FILENAME}


class Boom(Exception):
    """What a stream raises midway (a limit passed, the client gone)."""


@dataclass
class Backend:
    """One adapter under test, and a way to see everything it stored (hidden leftovers too)."""

    kind: str
    storage: Any
    leftovers: Callable[[], list[str]]


def _memory() -> Backend:
    storage = MemoryObjectStorage()
    return Backend("memory", storage, lambda: storage.keys)


def _local(root: Path) -> Backend:
    def leftovers() -> list[str]:
        files = {p for p in root.rglob("*") if p.is_file()}
        # Each object's hidden metadata file belongs to it; any other file is left over.
        described = {p.with_name(f".{p.name}.meta.json") for p in files}
        return sorted(p.relative_to(root).as_posix() for p in files - described)

    return Backend("local", LocalObjectStorage(root), leftovers)


def _s3(endpoint: str, bucket: str) -> Backend:
    client = s3_client(endpoint)

    def leftovers() -> list[str]:
        objects = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        uploads = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
        return sorted([o["Key"] for o in objects] + [f"upload:{u['Key']}" for u in uploads])

    storage = S3ObjectStorage(bucket, MOTO_REGION, endpoint, part_size=MIN_PART_SIZE)
    return Backend("s3", storage, leftovers)


@pytest.fixture(params=["memory", "local", pytest.param("s3", marks=pytest.mark.moto)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Each adapter in turn, empty."""
    if request.param == "memory":
        return _memory()
    if request.param == "local":
        return _local(tmp_path / "media")
    endpoint = request.getfixturevalue("moto_endpoint")
    return _s3(endpoint, request.getfixturevalue("s3_bucket"))


async def stream(data: bytes, chunk: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
    """`data` as a request body would arrive: in small chunks."""
    for offset in range(0, len(data), chunk):
        yield data[offset : offset + chunk]


async def failing_stream(good_bytes: int) -> AsyncIterator[bytes]:
    """`good_bytes` of data, then an error."""
    async for chunk in stream(b"x" * good_bytes):
        yield chunk
    raise Boom


async def read_all(read: ObjectRead) -> bytes:
    """Every chunk of an open read, closed afterwards."""
    try:
        return b"".join([chunk async for chunk in read.chunks])
    finally:
        await read.aclose()


def payload(size: int) -> bytes:
    """Bytes that differ by position, so a wrong offset can't pass."""
    return bytes(i % 251 for i in range(size))


async def test_put_returns_the_size_and_read_gives_the_bytes_back(backend: Backend) -> None:
    data = payload(200_000)

    written = await backend.storage.put(KEY, stream(data), "image/png", META)
    read = await backend.storage.read(KEY)

    assert written == len(data)
    assert (read.size, read.start, read.end) == (len(data), 0, len(data) - 1)
    assert await read_all(read) == data
    assert backend.leftovers() == [KEY]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 0, (0, 0)),
        (5, 9, (5, 9)),
        (199_990, None, (199_990, 199_999)),
        (100, 10**9, (100, 199_999)),
        (0, None, (0, 199_999)),
        (70_000, 140_000, (70_000, 140_000)),
    ],
)
async def test_read_gives_the_asked_range(
    backend: Backend, start: int, end: int | None, expected: tuple[int, int]
) -> None:
    data = payload(200_000)
    await backend.storage.put(KEY, stream(data), "application/pdf", META)

    read = await backend.storage.read(KEY, start, end)

    assert (read.size, read.start, read.end) == (len(data), *expected)
    assert await read_all(read) == data[expected[0] : expected[1] + 1]


@pytest.mark.parametrize(("size", "start", "end"), [(10, 10, None), (10, 50, 60), (0, 0, 0)])
async def test_a_range_past_the_end_is_not_satisfiable(
    backend: Backend, size: int, start: int, end: int | None
) -> None:
    await backend.storage.put(KEY, stream(payload(size)), "application/pdf", META)

    with pytest.raises(RangeNotSatisfiable) as caught:
        await backend.storage.read(KEY, start, end)

    assert caught.value.size == size


async def test_an_empty_object_reads_back_empty(backend: Backend) -> None:
    assert await backend.storage.put(KEY, stream(b""), "application/pdf", META) == 0

    read = await backend.storage.read(KEY)

    assert (read.size, read.start, read.end) == (0, 0, -1)
    assert await read_all(read) == b""


async def test_reading_a_missing_key_is_stored_object_missing(backend: Backend) -> None:
    with pytest.raises(StoredObjectMissing):
        await backend.storage.read(KEY)
    with pytest.raises(StoredObjectMissing):
        await backend.storage.head(KEY)


async def test_a_read_closed_early_yields_nothing_more(backend: Backend) -> None:
    await backend.storage.put(KEY, stream(payload(300_000)), "video/mp4", META)
    read = await backend.storage.read(KEY)

    first = await anext(read.chunks)
    await read.aclose()
    await read.aclose()

    assert len(first) == CHUNK_SIZE
    assert [chunk async for chunk in read.chunks] == []


def _open_files_under(folder: Path) -> list[str]:
    """The files below `folder` this process holds open."""
    targets = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            targets.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # closed meanwhile (another thread's socket, or listdir's own)
            continue
    return [target for target in targets if target.startswith(str(folder))]


async def test_reads_closed_before_they_started_release_their_files_or_connections(
    backend: Backend, tmp_path: Path
) -> None:
    await backend.storage.put(KEY, stream(payload(300_000)), "video/mp4", META)
    bodies: list[Any] = []
    if backend.kind == "s3":
        backend.storage.client.meta.events.register(
            "after-call.s3.GetObject", lambda parsed, **_: bodies.append(parsed["Body"])
        )

    for _ in range(30):
        await (await backend.storage.read(KEY)).aclose()

    # S3's response bodies are closed (their connections are not left half-read); the local
    # adapter holds no file open. Counted by what the descriptors point at, not how many there
    # are: moto's server shares this process, and its sockets come and go meanwhile.
    assert len(bodies) == (30 if backend.kind == "s3" else 0)
    assert all(body._raw_stream.closed for body in bodies)
    assert _open_files_under(tmp_path) == []


# Small: fails before a whole part was buffered; large: after one part went to S3.
@pytest.mark.parametrize("good_bytes", [0, 100_000, 6 * MiB], ids=["at-once", "small", "large"])
async def test_a_stream_that_fails_midway_leaves_nothing(backend: Backend, good_bytes: int) -> None:
    with pytest.raises(Boom):
        await backend.storage.put(KEY, failing_stream(good_bytes), "video/mp4", META)

    assert backend.leftovers() == []
    with pytest.raises(StoredObjectMissing):
        await backend.storage.read(KEY)


async def test_a_put_cancelled_midway_leaves_nothing(backend: Backend) -> None:
    with anyio.CancelScope() as scope:

        async def cancelled_stream() -> AsyncIterator[bytes]:
            async for chunk in stream(b"y" * (6 * MiB)):
                yield chunk
            scope.cancel()
            await anyio.sleep(10)
            yield b"never"

        await backend.storage.put(KEY, cancelled_stream(), "video/mp4", META)

    assert scope.cancelled_caught
    assert backend.leftovers() == []


async def test_a_12_mib_stream_round_trips(backend: Backend) -> None:
    data = payload(12 * MiB)

    assert await backend.storage.put(KEY, stream(data), "video/mp4", META) == len(data)

    body = await read_all(await backend.storage.read(KEY))
    assert hashlib.sha256(body).digest() == hashlib.sha256(data).digest()


@pytest.mark.moto
async def test_s3_sends_a_12_mib_stream_as_parts_reading_at_most_one_part_ahead(
    moto_endpoint: str,  # noqa: F811
    s3_bucket: str,  # noqa: F811
) -> None:
    storage = S3ObjectStorage(s3_bucket, MOTO_REGION, moto_endpoint, part_size=MIN_PART_SIZE)
    produced = 0
    parts: list[tuple[int, int, int]] = []  # (part number, part size, bytes read from the stream)

    def spy(params: dict[str, Any], **_: Any) -> None:
        parts.append((params["PartNumber"], len(params["Body"]), produced))

    storage.client.meta.events.register("provide-client-params.s3.UploadPart", spy)

    async def counted() -> AsyncIterator[bytes]:
        nonlocal produced
        async for chunk in stream(payload(12 * MiB)):
            produced += len(chunk)
            yield chunk

    await storage.put(KEY, counted(), "video/mp4", META)

    assert [(number, size) for number, size, _ in parts] == [
        (1, MIN_PART_SIZE),
        (2, MIN_PART_SIZE),
        (3, 2 * MiB),
    ]
    sent = 0
    for _, size, read_so_far in parts:
        sent += size
        # Memory is bounded by the part size: nothing is read beyond the part being sent.
        assert read_so_far - sent < CHUNK_SIZE
    head = s3_client(moto_endpoint).head_object(Bucket=s3_bucket, Key=KEY)
    assert head["ETag"].endswith('-3"')


@pytest.mark.moto
async def test_s3_sends_a_stream_under_one_part_as_one_put(
    moto_endpoint: str,  # noqa: F811
    s3_bucket: str,  # noqa: F811
) -> None:
    storage = S3ObjectStorage(s3_bucket, MOTO_REGION, moto_endpoint, part_size=MIN_PART_SIZE)
    calls: list[str] = []
    storage.client.meta.events.register(
        "provide-client-params.s3.*", lambda event_name, **_: calls.append(event_name)
    )

    await storage.put(KEY, stream(payload(MIN_PART_SIZE - 1)), "video/mp4", META)

    assert calls == ["provide-client-params.s3.PutObject"]


async def test_non_ascii_metadata_round_trips(backend: Backend) -> None:
    await backend.storage.put(KEY, stream(b"%PDF-1.7"), "application/pdf", META)

    head = await backend.storage.head(KEY)

    assert (head.size, head.content_type, dict(head.metadata)) == (8, "application/pdf", META)


@pytest.mark.moto
async def test_s3_keeps_the_filename_percent_encoded_in_ascii_metadata(
    moto_endpoint: str,  # noqa: F811
    s3_bucket: str,  # noqa: F811
) -> None:
    storage = S3ObjectStorage(s3_bucket, MOTO_REGION, moto_endpoint)
    await storage.put(KEY, stream(b"GIF89a"), "image/gif", META)

    raw = s3_client(moto_endpoint).head_object(Bucket=s3_bucket, Key=KEY)["Metadata"]

    assert raw == {"filename": quote(FILENAME, safe="")}
    assert raw["filename"].isascii()


@pytest.mark.moto
async def test_s3_stores_a_filename_too_long_for_its_metadata_limit_cut_short(
    moto_endpoint: str,  # noqa: F811
    s3_bucket: str,  # noqa: F811
) -> None:
    storage = S3ObjectStorage(s3_bucket, MOTO_REGION, moto_endpoint)
    long_name = "📷" * 255

    await storage.put(KEY, stream(b"GIF89a"), "image/gif", {"filename": long_name})

    kept = (await storage.head(KEY)).metadata["filename"]
    assert long_name.startswith(kept)
    assert len("filename") + len(quote(kept, safe="")) <= 2048


async def test_only_s3_presigns_urls(backend: Backend) -> None:
    await backend.storage.put(KEY, stream(b"GIF89a"), "image/gif", META)

    url = await backend.storage.presigned_url(KEY, FILENAME, "image/gif", 300)

    if backend.kind != "s3":
        assert url is None
        return
    query = parse_qs(urlsplit(url).query)
    # moto enforces no expiry: the URL's shape is what can be checked.
    assert query["X-Amz-Expires"] == ["300"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    disposition = "attachment; filename*=UTF-8''" + quote(FILENAME, safe="")
    assert query["response-content-disposition"] == [disposition]
    assert query["response-content-type"] == ["image/gif"]
    async with httpx.AsyncClient() as client:
        fetched = await client.get(url)
    assert fetched.status_code == 200
    assert fetched.content == b"GIF89a"
    assert fetched.headers["content-disposition"] == disposition


async def test_delete_is_idempotent(backend: Backend) -> None:
    await backend.storage.put(KEY, stream(b"GIF89a"), "image/gif", META)

    await backend.storage.delete(KEY)
    await backend.storage.delete(KEY)
    await backend.storage.delete("never-stored")

    assert backend.leftovers() == []
    with pytest.raises(StoredObjectMissing):
        await backend.storage.read(KEY)


async def test_put_file_stores_a_files_bytes(backend: Backend, tmp_path: Path) -> None:
    source = tmp_path / "spooled.bin"
    source.write_bytes(payload(3 * MiB + 7))

    written = await backend.storage.put_file(KEY, source, "image/jpeg", META)

    assert written == 3 * MiB + 7
    assert await read_all(await backend.storage.read(KEY)) == source.read_bytes()


async def test_keys_older_than_lists_objects_written_before_the_cutoff(backend: Backend) -> None:
    keys = sorted(["2026/11/b-key", KEY])
    for key in keys:
        await backend.storage.put(key, stream(b"GIF89a"), "image/gif", META)
    now = datetime.now(UTC)

    assert await backend.storage.keys_older_than(now - timedelta(minutes=5)) == []
    assert await backend.storage.keys_older_than(now + timedelta(minutes=5)) == keys


async def test_keys_older_than_is_empty_on_an_empty_store(backend: Backend) -> None:
    assert await backend.storage.keys_older_than(datetime.now(UTC) + timedelta(days=1)) == []


async def test_check_passes_on_a_reachable_store(backend: Backend) -> None:
    await backend.storage.check()


@pytest.mark.parametrize("key", ["../escape", "/etc/passwd", ".hidden", "a//b", "", "a\x00b"])
async def test_a_key_that_is_not_the_applications_is_refused(backend: Backend, key: str) -> None:
    with pytest.raises(ValueError, match="not a storage key"):
        await backend.storage.put(key, stream(b"x"), "image/gif", META)
    with pytest.raises(ValueError, match="not a storage key"):
        await backend.storage.read(key)
    assert backend.leftovers() == []


@pytest.fixture(params=["memory", "local", pytest.param("s3", marks=pytest.mark.moto)])
def unreachable(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """Each adapter with its backend out of reach."""
    if request.param == "memory":
        storage = MemoryObjectStorage()
        storage.down = True
        return storage
    if request.param == "local":
        # Under a regular file, the root can be neither made nor written, even by root.
        (tmp_path / "a-file").write_text("")
        return LocalObjectStorage(tmp_path / "a-file" / "media")
    request.getfixturevalue("moto_endpoint")  # dummy credentials in the environment
    # Port 9 (discard) is closed on any sane test host: connecting is refused at once.
    return S3ObjectStorage("hexashop-media", MOTO_REGION, "http://127.0.0.1:9", max_attempts=1)


async def test_an_unreachable_store_raises_storage_unavailable(unreachable: Any) -> None:
    with pytest.raises(StorageUnavailable):
        await unreachable.check()
    with pytest.raises(StorageUnavailable):
        await unreachable.put(KEY, stream(payload(100)), "image/gif", META)
    with pytest.raises(StorageUnavailable):
        await unreachable.read(KEY)
    with pytest.raises(StorageUnavailable):
        await unreachable.delete(KEY)
    with pytest.raises(StorageUnavailable):
        await unreachable.keys_older_than(datetime.now(UTC))


@pytest.mark.moto
async def test_a_missing_bucket_fails_the_check(moto_endpoint: str) -> None:  # noqa: F811
    storage = S3ObjectStorage("hexashop-no-such-bucket", MOTO_REGION, moto_endpoint)

    with pytest.raises(StorageUnavailable):
        await storage.check()
