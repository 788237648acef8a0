"""Object storage on Amazon S3 (or anything speaking its API) through one boto3 client.

Every boto3 call runs in a worker thread. Uploads stream: up to one part is buffered, sent as
a part of a multipart upload (aborted on any failure), or as one PutObject when the whole
stream fits in a part. Downloads stream the response body in chunks of CHUNK_SIZE.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from adapters.storage.common import (
    CHUNK_SIZE,
    ObjectHead,
    ThreadedChunks,
    file_chunks,
    object_range,
    validate_key,
)
from adapters.storage.s3_metadata import attachment_disposition, decode_metadata, encode_metadata
from application.media.ports import ObjectRead, StorageUnavailable, StoredObjectMissing
from domain.errors import RangeNotSatisfiable

MiB = 1024 * 1024
# S3 refuses parts under 5 MiB except the last.
MIN_PART_SIZE = 5 * MiB
DEFAULT_PART_SIZE = 8 * MiB

_MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
# As s3transfer does: each part carries a CRC32 and CompleteMultipartUpload names them all,
# which S3 requires once botocore checksums requests by default.
_CHECKSUM = "CRC32"


def _describe(exc: BaseException) -> str:
    """The error code or class, never request parameters or credentials."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'ClientError')}: {error.get('Message', '')}"[:300]
    return type(exc).__name__


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class S3ObjectStorage:
    """Objects in one bucket, under the application's keys, with percent-encoded metadata."""

    def __init__(
        self,
        bucket: str,
        region: str,
        endpoint_url: str | None = None,
        part_size: int = DEFAULT_PART_SIZE,
        connect_timeout: float = 3.0,
        read_timeout: float = 30.0,
        max_attempts: int = 3,
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part_size must be at least {MIN_PART_SIZE} bytes (S3's minimum)")
        self._bucket = bucket
        self._region = region
        self._endpoint_url = endpoint_url
        self.part_size = part_size
        # SigV4 everywhere: presigned URLs then carry X-Amz-Expires and work in every region.
        self._config = Config(
            signature_version="s3v4",
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"max_attempts": max_attempts, "mode": "standard"},
        )
        self._client: Any = None
        self._client_lock = threading.Lock()

    @property
    def name(self) -> str:
        """`s3`."""
        return "s3"

    @property
    def client(self) -> Any:
        """The one boto3 client, built on first use (thread-safe once built)."""
        # boto3's default session is not thread-safe to create clients from: a private one.
        with self._client_lock:
            if self._client is None:
                self._client = boto3.session.Session().client(
                    "s3",
                    region_name=self._region,
                    endpoint_url=self._endpoint_url,
                    config=self._config,
                )
            return self._client

    def _blocking(self, operation: str, **params: Any) -> Any:
        """One S3 call, in the calling (worker) thread; failures as StorageUnavailable."""
        try:
            return getattr(self.client, operation)(Bucket=self._bucket, **params)
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailable(f"S3 {operation} failed: {_describe(exc)}") from exc

    async def _call(self, operation: str, **params: Any) -> Any:
        return await anyio.to_thread.run_sync(partial(self._blocking, operation, **params))

    async def put(
        self,
        key: str,
        chunks: AsyncIterator[bytes],
        content_type: str,
        metadata: Mapping[str, str],
    ) -> int:
        """One PutObject if the stream fits in a part, else a multipart upload of the stream."""
        validate_key(key)
        attributes = {"ContentType": content_type, "Metadata": encode_metadata(metadata)}
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []
        pending: list[bytes] = []
        buffered = 0
        written = 0
        try:
            async for chunk in chunks:
                pending.append(chunk)
                buffered += len(chunk)
                if buffered < self.part_size:
                    continue
                if upload_id is None:
                    started = await self._call(
                        "create_multipart_upload",
                        Key=key,
                        ChecksumAlgorithm=_CHECKSUM,
                        **attributes,
                    )
                    upload_id = str(started["UploadId"])
                part, pending, buffered = b"".join(pending), [], 0
                parts.append(await self._upload_part(key, upload_id, len(parts) + 1, part))
                written += len(part)
                del part
            body = b"".join(pending)
            written += len(body)
            if upload_id is None:
                await self._call("put_object", Key=key, Body=body, **attributes)
                return written
            if body:
                parts.append(await self._upload_part(key, upload_id, len(parts) + 1, body))
            await self._call(
                "complete_multipart_upload",
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            if upload_id is not None:
                await self._abort(key, upload_id)
            raise
        return written

    async def _upload_part(
        self, key: str, upload_id: str, number: int, body: bytes
    ) -> dict[str, Any]:
        sent = await self._call(
            "upload_part",
            Key=key,
            UploadId=upload_id,
            PartNumber=number,
            Body=body,
            ChecksumAlgorithm=_CHECKSUM,
        )
        part = {"ETag": sent["ETag"], "PartNumber": number}
        if f"Checksum{_CHECKSUM}" in sent:
            part[f"Checksum{_CHECKSUM}"] = sent[f"Checksum{_CHECKSUM}"]
        return part

    async def _abort(self, key: str, upload_id: str) -> None:
        # Shielded: a cancelled upload must still not leave parts behind (S3 bills for them).
        # If S3 is unreachable the abort fails too; a lifecycle rule should catch those (README).
        with anyio.CancelScope(shield=True), contextlib.suppress(StorageUnavailable):
            await self._call("abort_multipart_upload", Key=key, UploadId=upload_id)

    async def put_file(
        self, key: str, path: Path, content_type: str, metadata: Mapping[str, str]
    ) -> int:
        """Upload a local file the same way as a stream."""
        async with contextlib.aclosing(file_chunks(path, chunk_size=MiB)) as chunks:
            return await self.put(key, chunks, content_type, metadata)

    async def read(self, key: str, start: int = 0, end: int | None = None) -> ObjectRead:
        """GetObject (with `Range` when only part is asked), its body read in threads."""
        validate_key(key)
        if start < 0 or (end is not None and end < start):
            raise ValueError(f"bad range {start}-{end}")
        ranged = start > 0 or end is not None
        params: dict[str, Any] = {"Key": key}
        if ranged:
            params["Range"] = f"bytes={start}-{'' if end is None else end}"
        response = await anyio.to_thread.run_sync(partial(self._get_object, params))
        body = response["Body"]
        if ranged:
            # "bytes first-last/size"
            span, _, total = str(response["ContentRange"]).removeprefix("bytes ").partition("/")
            first, _, last = span.partition("-")
            size, start, end = int(total), int(first), int(last)
        else:
            size = int(response["ContentLength"])
            start, end = object_range(size, 0, None)
        pieces = body.iter_chunks(CHUNK_SIZE)

        def read_chunk() -> bytes:
            return bytes(next(pieces, b""))

        chunks = ThreadedChunks(read_chunk, body.close, failures=(Exception,))
        return ObjectRead(size=size, start=start, end=end, chunks=chunks)

    def _get_object(self, params: dict[str, Any]) -> Any:
        try:
            return self.client.get_object(Bucket=self._bucket, **params)
        except ClientError as exc:
            code = _code(exc)
            if code in _MISSING_CODES:
                raise StoredObjectMissing(params["Key"]) from None
            if code == "InvalidRange":
                # S3 names the size in the error; ask for it where a clone does not.
                size = exc.response.get("Error", {}).get("ActualObjectSize")
                if size is None:
                    size = self._blocking("head_object", Key=params["Key"])["ContentLength"]
                raise RangeNotSatisfiable(int(str(size))) from None
            raise StorageUnavailable(f"S3 get_object failed: {_describe(exc)}") from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(f"S3 get_object failed: {_describe(exc)}") from exc

    async def head(self, key: str) -> ObjectHead:
        """HeadObject: size, type, the metadata decoded, last write time."""
        validate_key(key)
        try:
            response = await self._call("head_object", Key=key)
        except StorageUnavailable as exc:
            cause = exc.__cause__
            if isinstance(cause, ClientError) and _code(cause) in _MISSING_CODES:
                raise StoredObjectMissing(key) from None
            raise
        return ObjectHead(
            size=int(response["ContentLength"]),
            content_type=str(response.get("ContentType", "application/octet-stream")),
            metadata=decode_metadata(response.get("Metadata", {})),
            modified=response["LastModified"],
        )

    async def delete(self, key: str) -> None:
        """DeleteObject, which S3 answers the same whether or not the key exists."""
        validate_key(key)
        await self._call("delete_object", Key=key)

    async def presigned_url(
        self, key: str, filename: str, content_type: str, expires_seconds: int
    ) -> str | None:
        """A presigned GET that makes S3 answer with our Content-Disposition and type."""
        validate_key(key)
        params = {
            "Bucket": self._bucket,
            "Key": key,
            "ResponseContentDisposition": attachment_disposition(filename),
            "ResponseContentType": content_type,
        }
        sign: Callable[[], str] = partial(
            self.client.generate_presigned_url, "get_object", params, expires_seconds
        )
        # Signing may have to fetch credentials (an instance role): a thread, like any call.
        try:
            return await anyio.to_thread.run_sync(sign)
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailable(f"S3 presigning failed: {_describe(exc)}") from exc

    async def keys_older_than(self, cutoff: datetime) -> list[str]:
        """Every key whose LastModified is before `cutoff`, listed page by page."""

        def scan() -> list[str]:
            keys: list[str] = []
            try:
                pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self._bucket)
                for page in pages:
                    for item in page.get("Contents", []):
                        if item["LastModified"] < cutoff:
                            keys.append(str(item["Key"]))
            except (ClientError, BotoCoreError) as exc:
                raise StorageUnavailable(f"S3 listing failed: {_describe(exc)}") from exc
            return sorted(keys)

        return await anyio.to_thread.run_sync(scan)

    async def check(self) -> None:
        """HeadBucket: the endpoint answers, the bucket exists and our credentials reach it."""
        await self._call("head_bucket")

    async def aclose(self) -> None:
        """Close the client's connection pool."""
        if self._client is not None:
            await anyio.to_thread.run_sync(self._client.close)
