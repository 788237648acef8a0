"""moto's AWS emulator, started once per test session on a free 127.0.0.1 port.

Import the fixture into a test module explicitly (non-root conftests may not use
`pytest_plugins`):

    from tests.support.moto_server import moto_endpoint  # noqa: F401

S3 tests also take `s3_bucket` (a fresh bucket per test on that server), DynamoDB tests
`dynamodb_table` (a fresh counters table per test):

    from tests.support.moto_server import moto_endpoint, s3_bucket  # noqa: F401
"""

from __future__ import annotations

import functools
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

# Dummy credentials: botocore signs every request and refuses to start without some.
# They must never be real ones, so the fixture sets them instead of reading the environment.
_FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
# Variables that could point boto3 at a real account or another endpoint.
_UNSET_AWS_ENV = (
    "AWS_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_SESV2",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ENDPOINT_URL_DYNAMODB",
)

MOTO_REGION = "us-east-1"
_UPDATE_ITEM_LOCK = threading.Lock()


def _make_update_item_atomic() -> None:
    """Make moto apply and answer each DynamoDB UpdateItem atomically, as DynamoDB does.

    moto's server answers requests on several threads. Its backend's update_item reads,
    changes and writes the item without a lock (two concurrent first hits both create the
    item at 1), and its handler then reads the updated item back for the answer, by which
    time another request may have changed it (two hits both answered 37, none 36). So the
    lock is around the whole handler. The counters' exactness tests are about the adapter
    (one UpdateItem per hit, never retried after a lost answer), so the emulator is given
    the atomicity the real service guarantees.
    """
    from moto.dynamodb.responses import DynamoHandler

    original = DynamoHandler.update_item
    if getattr(original, "hexashop_atomic", False):
        return

    @functools.wraps(original)
    def update_item(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _UPDATE_ITEM_LOCK:
            return original(self, *args, **kwargs)

    update_item.hexashop_atomic = True  # type: ignore[attr-defined]
    DynamoHandler.update_item = update_item  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The base URL of an in-process moto server, with dummy AWS credentials in the env."""
    with pytest.MonkeyPatch.context() as env:
        for name, value in _FAKE_AWS_ENV.items():
            env.setenv(name, value)
        for name in _UNSET_AWS_ENV:
            env.delenv(name, raising=False)
        _make_update_item_atomic()
        # Port 0: the OS picks a free port, so parallel runs and other services never clash.
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@functools.cache
def s3_client(endpoint: str) -> Any:
    """A plain boto3 S3 client on the moto server, to look at what the adapter left (one per
    endpoint: building a client loads S3's whole service model)."""
    return boto3.session.Session().client("s3", region_name=MOTO_REGION, endpoint_url=endpoint)


@pytest.fixture
def s3_bucket(moto_endpoint: str) -> Iterator[str]:
    """A new, empty bucket on the session's moto server, so each test sees only its objects
    and multipart uploads; removed afterwards with all it holds, so the server's state stays
    small (other tests dump it whole). Use it with `moto_endpoint` and `MOTO_REGION`."""
    client = s3_client(moto_endpoint)
    name = f"hexashop-test-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=name)
    yield name
    for upload in client.list_multipart_uploads(Bucket=name).get("Uploads", []):
        client.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)


@functools.cache
def dynamodb_client(endpoint: str) -> Any:
    """A plain boto3 DynamoDB client on the moto server, to set up and look at tables."""
    return boto3.session.Session().client(
        "dynamodb", region_name=MOTO_REGION, endpoint_url=endpoint
    )


@pytest.fixture
def dynamodb_table(moto_endpoint: str) -> Iterator[str]:
    """A new counters table (`pk` S HASH, on demand) on the session's moto server, made by the
    adapter's own create_table, deleted afterwards."""
    from adapters.dynamodb.counters import create_table

    name = f"hexashop-counters-{uuid.uuid4().hex[:16]}"
    assert create_table(name, MOTO_REGION, moto_endpoint) is True
    yield name
    dynamodb_client(moto_endpoint).delete_table(TableName=name)


def moto_models(service: str, model: str) -> list[Any]:
    """Every instance moto keeps of one model (what `/moto-api/data.json` lists), read in this
    process, where ThreadedMotoServer runs.

    The whole data.json can't be fetched once S3 has seen a multipart upload: moto's upload
    parts name no bucket, and dumping them raises NoSuchBucket (a 500).
    """
    from moto.core.model_instances import model_data

    return list(model_data[service][model].instances_tracked)
