"""What tests/bench/media.py measures with: the server's RSS read from /proc, and a file sent
and fetched both ways, through the server's HTTP API and straight to S3 with boto3."""

from __future__ import annotations

import hashlib
import io
import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from tests.bench.run import HarnessError

MiB = 1024 * 1024
SEND_CHUNK = MiB  # what the client hands httpx at a time
RSS_SAMPLE_S = 0.005


# --- the server's memory ------------------------------------------------------------------------


def _status_kib(pid: int, name: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1])
    raise HarnessError(f"/proc/{pid}/status has no {name}")


def rss_mib(pid: int) -> float:
    """The process's resident set now."""
    return _status_kib(pid, "VmRSS") / 1024


class PeakRss:
    """The largest RSS of a process while the block runs: sampled every few ms, and the
    kernel's own high-water mark (VmHWM, reset on entry) where it may be reset."""

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._hwm_reset = False
        self.start_mib = self.peak_mib = 0.0

    def _sample(self) -> None:
        while not self._stop.wait(RSS_SAMPLE_S):
            self.peak_mib = max(self.peak_mib, rss_mib(self._pid))

    def __enter__(self) -> PeakRss:
        try:
            # "5" resets the peak RSS (Documentation/filesystems/proc.rst); our own child.
            Path(f"/proc/{self._pid}/clear_refs").write_text("5")
            self._hwm_reset = True
        except OSError:
            pass
        self.start_mib = self.peak_mib = rss_mib(self._pid)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mib = max(self.peak_mib, rss_mib(self._pid))
        if self._hwm_reset:
            self.peak_mib = max(self.peak_mib, _status_kib(self._pid, "VmHWM") / 1024)


# --- the two ways in ---------------------------------------------------------------------------


def multipart_body(data: bytes, boundary: str, filename: str) -> Iterator[bytes]:
    """A multipart/form-data body with `data` as its `file` field, in SEND_CHUNK pieces."""
    yield (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    view = memoryview(data)
    for offset in range(0, len(data), SEND_CHUNK):
        yield bytes(view[offset : offset + SEND_CHUNK])
    yield f"\r\n--{boundary}--\r\n".encode()


def multipart_length(data: bytes, boundary: str, filename: str) -> int:
    """The body's length, sent as Content-Length (as a browser does) instead of chunked."""
    return sum(len(piece) for piece in multipart_body(data[:0], boundary, filename)) + len(data)


def upload_via_server(client: httpx.Client, data: bytes) -> tuple[float, str]:
    """POST the bytes to /api/v1/media; (seconds, the file's id)."""
    boundary = secrets.token_hex(16)
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(multipart_length(data, boundary, "bench.pdf")),
    }
    began = time.perf_counter()
    answer = client.post(
        "/api/v1/media", content=multipart_body(data, boundary, "bench.pdf"), headers=headers
    )
    elapsed = time.perf_counter() - began
    if answer.status_code != 201:
        raise HarnessError(f"POST /api/v1/media answered {answer.status_code}: {answer.text[:300]}")
    sent = answer.json()
    if sent["sizeBytes"] != len(data) or sent["contentType"] != "application/pdf":
        raise HarnessError(f"the server stored {sent['sizeBytes']} bytes as {sent['contentType']}")
    if sent["sha256"] != hashlib.sha256(data).hexdigest():
        raise HarnessError("the server's SHA-256 is not the upload's")
    return elapsed, str(sent["id"])


def download_via_server(client: httpx.Client, media_id: str, size: int) -> float:
    """GET /api/v1/media/{id}, streamed and counted; seconds."""
    began = time.perf_counter()
    with client.stream("GET", f"/api/v1/media/{media_id}") as answer:
        if answer.status_code != 200:
            raise HarnessError(f"GET /api/v1/media/{media_id} answered {answer.status_code}")
        received = sum(len(chunk) for chunk in answer.iter_raw())
    elapsed = time.perf_counter() - began
    if received != size:
        raise HarnessError(f"the download had {received} bytes, not {size}")
    return elapsed


def delete_via_server(client: httpx.Client, media_id: str) -> None:
    """DELETE /api/v1/media/{id}, so moto holds one file at a time."""
    answer = client.delete(f"/api/v1/media/{media_id}")
    if answer.status_code != 204:
        raise HarnessError(f"DELETE /api/v1/media/{media_id} answered {answer.status_code}")


def upload_direct(s3: Any, bucket: str, data: bytes, key: str) -> float:
    """boto3's managed upload (multipart, its default threads) of the bytes; seconds."""
    began = time.perf_counter()
    s3.upload_fileobj(io.BytesIO(data), bucket, key)
    return time.perf_counter() - began


def download_direct(s3: Any, bucket: str, key: str, size: int) -> float:
    """GetObject and a read of its whole body; seconds."""
    began = time.perf_counter()
    received = len(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    elapsed = time.perf_counter() - began
    if received != size:
        raise HarnessError(f"the direct read had {received} bytes, not {size}")
    return elapsed
