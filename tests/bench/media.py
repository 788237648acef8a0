"""The media part of `make bench`: a 100 MiB file through the real server to S3 on moto, run by
tests/bench/run.py in the same run (`BENCH_ONLY=media` runs only this part).

A `moto_server` subprocess (so its CPU and memory are not the bench's), one bucket, and the
real `hexashop serve` on the harness's database with STORAGE_BACKEND=s3 pointing at it and
MEDIA_MAX_BYTES above the file. A login and a 1 MiB file each way warm both sides up (the
login's argon2 buffer and boto3's S3 model are then in the server's RSS, no multipart upload
yet); then alternating rounds, on the same random bytes (a PDF header, so the file streams to
storage as sent instead of being re-encoded), of:

1. POST /api/v1/media as a streamed multipart body, against boto3's `upload_fileobj` of the
   same bytes straight to moto (target: server MiB/s >= 0.5x direct);
2. GET /api/v1/media/{id} streamed, against `get_object` and a read of its body (>= 0.5x).

Each round deletes what it stored; throughputs are the median round. The server's RSS is
sampled through every upload: the target (<= 32 MiB) is the highest peak of any round over
the RSS before the first, so memory kept from one upload to the next counts too.
"""

from __future__ import annotations

import os
import secrets
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import httpx

from tests.bench.media_transfers import (
    MiB,
    PeakRss,
    delete_via_server,
    download_direct,
    download_via_server,
    rss_mib,
    upload_direct,
    upload_via_server,
)
from tests.bench.run import (
    BIN,
    PASSWORD,
    HarnessError,
    Report,
    free_port,
    start,
    wait_until_up,
)

FILE_BYTES = 100 * MiB
WARMUP_BYTES = MiB  # one PutObject: the first multipart upload is a measured one
ROUNDS = 3
BUCKET = "hexashop-bench"
REGION = "us-east-1"
# Dummy credentials: botocore signs every request and refuses to start without some; they
# must never be real ones, so they are set here instead of read from the environment.
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
}
_UNSET_AWS = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SESV2")

TARGET_RSS_GROWTH_MIB = 32.0
TARGET_UPLOAD_RATIO = 0.5
TARGET_DOWNLOAD_RATIO = 0.5


@dataclass
class MediaRound:
    """One round's seconds per transfer, and the server's RSS (MiB) as its upload and its
    download started and at their peaks."""

    upload_server_s: float
    upload_direct_s: float
    download_server_s: float
    download_direct_s: float
    rss_upload_start_mib: float
    rss_upload_peak_mib: float
    rss_download_start_mib: float
    rss_download_peak_mib: float


@dataclass
class MediaReport:
    """The media measurements, nested in report.json under `media`."""

    file_mib: float = FILE_BYTES / MiB
    rss_idle_mib: float | None = None  # the server as started, before the login
    rss_before_mib: float | None = None  # after the warm-up, before the first round
    upload_server_mib_s: float | None = None
    upload_direct_mib_s: float | None = None
    download_server_mib_s: float | None = None
    download_direct_mib_s: float | None = None
    upload_ratio: float | None = None
    download_ratio: float | None = None
    rss_growth_mib: float | None = None  # highest upload peak - rss_before_mib
    rss_growth_download_mib: float | None = None  # largest peak - start of one download
    rounds: list[MediaRound] = field(default_factory=list)


# --- the run -------------------------------------------------------------------------------


def _round(client: httpx.Client, s3: Any, pid: int, data: bytes, server_first: bool) -> MediaRound:
    """Both uploads, then both downloads, the server's first or second; both deleted."""
    key = f"direct-{secrets.token_hex(8)}"
    times: dict[str, float] = {}
    for side in ("server", "direct") if server_first else ("direct", "server"):
        if side == "server":
            with PeakRss(pid) as upload_peak:
                times["upload_server"], media_id = upload_via_server(client, data)
        else:
            times["upload_direct"] = upload_direct(s3, BUCKET, data, key)
    for side in ("server", "direct") if server_first else ("direct", "server"):
        if side == "server":
            with PeakRss(pid) as download_peak:
                times["download_server"] = download_via_server(client, media_id, len(data))
        else:
            times["download_direct"] = download_direct(s3, BUCKET, key, len(data))
    delete_via_server(client, media_id)
    s3.delete_object(Bucket=BUCKET, Key=key)
    return MediaRound(
        upload_server_s=times["upload_server"],
        upload_direct_s=times["upload_direct"],
        download_server_s=times["download_server"],
        download_direct_s=times["download_direct"],
        rss_upload_start_mib=upload_peak.start_mib,
        rss_upload_peak_mib=upload_peak.peak_mib,
        rss_download_start_mib=download_peak.start_mib,
        rss_download_peak_mib=download_peak.peak_mib,
    )


def _summarize(media: MediaReport) -> None:
    def speed(attr: str) -> float:
        return FILE_BYTES / MiB / statistics.median(getattr(r, attr) for r in media.rounds)

    media.upload_server_mib_s = speed("upload_server_s")
    media.upload_direct_mib_s = speed("upload_direct_s")
    media.download_server_mib_s = speed("download_server_s")
    media.download_direct_mib_s = speed("download_direct_s")
    media.upload_ratio = media.upload_server_mib_s / media.upload_direct_mib_s
    media.download_ratio = media.download_server_mib_s / media.download_direct_mib_s
    if media.rss_before_mib is not None:
        highest = max(r.rss_upload_peak_mib for r in media.rounds)
        media.rss_growth_mib = highest - media.rss_before_mib
    media.rss_growth_download_mib = max(
        r.rss_download_peak_mib - r.rss_download_start_mib for r in media.rounds
    )


def _log_in(client: httpx.Client, email: str) -> None:
    answer = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    if answer.status_code != 200:
        raise HarnessError(f"login on the S3 server answered {answer.status_code}")
    client.headers["Authorization"] = f"Bearer {answer.json()['accessToken']}"


def measure(
    tmp: Path, server_cmd: list[str], env: dict[str, str], email: str, report: Report
) -> None:
    """moto, the S3-backed server, the warm-up and the rounds, into report.media."""
    print("measuring a 100 MiB upload and download through S3 on moto ...", flush=True)
    aws_env = {k: v for k, v in env.items() if k not in _UNSET_AWS} | FAKE_AWS
    moto_port, port = free_port(), free_port()
    moto_cmd = [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(moto_port)]
    moto = start("moto", moto_cmd, aws_env, tmp)
    server = None
    try:
        endpoint = f"http://127.0.0.1:{moto_port}"
        wait_until_up(moto, endpoint, ["/moto-api/"])
        s3 = boto3.session.Session(
            aws_access_key_id=FAKE_AWS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_AWS["AWS_SECRET_ACCESS_KEY"],
        ).client("s3", region_name=REGION, endpoint_url=endpoint)
        s3.create_bucket(Bucket=BUCKET)
        server_env = aws_env | {
            "PORT": str(port),
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": BUCKET,
            "AWS_REGION": REGION,
            "AWS_ENDPOINT_URL": endpoint,
            "MEDIA_MAX_BYTES": str(FILE_BYTES + MiB),
        }
        server = start("media-s3", server_cmd, server_env, tmp)
        base = f"http://127.0.0.1:{port}"
        wait_until_up(server, base, ["/health/live"])
        pid = server.popen.pid
        media = report.media = MediaReport(rss_idle_mib=rss_mib(pid))
        # A PDF to the sniffer, random after its header: it streams to storage as sent.
        data = b"%PDF-1.7\n" + os.urandom(FILE_BYTES - 9)
        with httpx.Client(base_url=base, timeout=120) as client:
            _log_in(client, email)
            print("  warm-up: a login and a 1 MiB file each way", flush=True)
            _round(client, s3, pid, data[:WARMUP_BYTES], server_first=True)
            media.rss_before_mib = rss_mib(pid)
            for number in range(ROUNDS):
                first = number % 2 == 0
                print(f"  round {number + 1}/{ROUNDS}: server {'first' if first else 'second'}")
                media.rounds.append(_round(client, s3, pid, data, server_first=first))
        _summarize(media)
    finally:
        if server is not None:
            server.stop()
        moto.stop()


# --- report --------------------------------------------------------------------------------


def _mib_s(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} MiB/s"


def summary_lines(media: MediaReport | None) -> list[str]:
    """Throughputs, ratios, the server's memory and every round (server / direct seconds)."""
    if media is None or media.upload_ratio is None:
        return []
    lines = [
        f"media, {media.file_mib:.0f} MiB through the server to S3 on moto vs boto3 direct "
        f"(median of {len(media.rounds)} rounds):",
        f"  upload   server {_mib_s(media.upload_server_mib_s)}, upload_fileobj "
        f"{_mib_s(media.upload_direct_mib_s)}, ratio {media.upload_ratio:.2f}",
        f"  download server {_mib_s(media.download_server_mib_s)}, get_object read "
        f"{_mib_s(media.download_direct_mib_s)}, ratio {media.download_ratio:.2f}",
        f"  server RSS {media.rss_idle_mib:.0f} MiB as started, {media.rss_before_mib:.0f} MiB "
        f"after the login and warm-up; uploads peaked {media.rss_growth_mib:.1f} MiB above "
        f"that, a download {media.rss_growth_download_mib:.1f} MiB above its start",
    ]
    for n, r in enumerate(media.rounds, 1):
        lines.append(
            f"  round {n}: upload {r.upload_server_s:.2f} / {r.upload_direct_s:.2f} s, RSS "
            f"{r.rss_upload_start_mib:.0f} -> {r.rss_upload_peak_mib:.0f} MiB; download "
            f"{r.download_server_s:.2f} / {r.download_direct_s:.2f} s, RSS "
            f"{r.rss_download_start_mib:.0f} -> {r.rss_download_peak_mib:.0f} MiB"
        )
    return lines


def target_rows(media: MediaReport | None) -> list[tuple[str, float | None, str, float]]:
    """The three media targets."""
    if media is None:
        return []
    growth, up, down = media.rss_growth_mib, media.upload_ratio, media.download_ratio
    return [
        ("media upload: server RSS growth, MiB", growth, "<=", TARGET_RSS_GROWTH_MIB),
        ("media upload MiB/s server / upload_fileobj", up, ">=", TARGET_UPLOAD_RATIO),
        ("media download MiB/s server / get_object", down, ">=", TARGET_DOWNLOAD_RATIO),
    ]
