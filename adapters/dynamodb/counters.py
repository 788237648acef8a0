"""Hit counters in one DynamoDB table (partition key `pk` = the name, `hits` = the count).

A hit is one UpdateItem `ADD hits 1` (DynamoDB applies it atomically, so N concurrent hits add
exactly N). Every boto3 call runs on the store's own thread pool, sized to the client's
connection pool, never on the event loop. The admin listing (`page`) scans the whole table:
fine for the few hundred counters of a site or two, linear in their number beyond that.

Reads are retried by botocore (standard mode). A hit is retried only when DynamoDB surely wrote
nothing (throttled, or no connection made), never after a lost answer, so it never counts twice.
Any DynamoDB failure (throttling, timeouts, an unreachable endpoint, a missing table) becomes
ServiceUnavailable, which HTTP answers with 503; the botocore error stays its `__cause__`.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ProxyConnectionError,
)

from domain.counters import CounterCount
from domain.errors import ServiceUnavailable

T = TypeVar("T")

KEY = "pk"
HITS = "hits"
# What a client sees: never a table name, endpoint or AWS error text.
COUNTERS_DOWN = "Hit counters are unavailable"
# One worker thread per pooled connection: more threads would only wait for a connection.
DEFAULT_POOL_SIZE = 10
# DynamoDB's answers to a request over the table's or account's throughput: nothing was written.
_THROTTLED = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
    }
)
# No connection was made, so the request never left. (An SSL error is left out: urllib3 may
# raise one while reading an answer, after the write.)
_NOT_SENT = (EndpointConnectionError, ConnectTimeoutError, ProxyConnectionError)


def _describe(exc: BaseException) -> str:
    """The error code or class, never request parameters or credentials."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'ClientError')}: {error.get('Message', '')}"[:300]
    return type(exc).__name__


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _config(connect_timeout: float, read_timeout: float, attempts: int, pool_size: int) -> Config:
    # Short timeouts and few attempts: a hit is on a page view's path, and a down store should
    # answer 503 in seconds rather than hold a thread. Standard mode backs off between them.
    return Config(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"total_max_attempts": attempts, "mode": "standard"},
        max_pool_connections=pool_size,
    )


def _backoff(attempt: int) -> float:
    """Full-jitter exponential backoff, as botocore's standard mode: at most 0.1 s, 0.2 s...
    capped at 1 s."""
    return random.uniform(0, min(1.0, 0.05 * 2**attempt))  # noqa: S311 (jitter, not a secret)


def _new_client(region: str, endpoint_url: str | None, config: Config) -> Any:
    # boto3's default session is not thread-safe to create clients from: a private one.
    return boto3.session.Session().client(
        "dynamodb", region_name=region, endpoint_url=endpoint_url, config=config
    )


class DynamoCounterStore:
    """The CounterStore port on one DynamoDB table, through one lazily built boto3 client."""

    def __init__(
        self,
        table_name: str,
        region: str,
        endpoint_url: str | None = None,
        connect_timeout: float = 2.0,
        read_timeout: float = 5.0,
        max_attempts: int = 3,
        pool_size: int = DEFAULT_POOL_SIZE,
        retry_sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._table = table_name
        self._region = region
        self._endpoint_url = endpoint_url
        self._max_attempts = max_attempts
        # Waits between a hit's attempts, in its worker thread (tests record them instead).
        self._retry_sleep = retry_sleep
        # Reads and checks: botocore's standard retries (throttling, 5xx, timeouts) with backoff.
        # (`max_attempts` counts retries, as botocore's own setting and the S3 adapter do.)
        self._config = _config(connect_timeout, read_timeout, 1 + max_attempts, pool_size)
        # Hits: no automatic retries. botocore would also retry an UpdateItem whose answer was
        # lost (a read timeout, a dropped connection, a 500), which DynamoDB may have applied:
        # that hit would count twice (UpdateItem takes no idempotency token). `_hit_blocking`
        # retries only what surely wrote nothing.
        self._hit_config = _config(connect_timeout, read_timeout, 1, pool_size)
        self._clients: tuple[Any, Any] | None = None
        self._client_lock = threading.Lock()
        # The store's own threads: a burst of hits can't starve anyio's shared pool, which
        # password hashing and S3 also use. Threads start on first use.
        self._executor = ThreadPoolExecutor(pool_size, thread_name_prefix="dynamodb-counters")

    @property
    def table_name(self) -> str:
        """The DynamoDB table the counters live in."""
        return self._table

    def _both(self) -> tuple[Any, Any]:
        # Built once, together, on first use; boto3 clients are thread-safe once built.
        with self._client_lock:
            if self._clients is None:
                self._clients = (
                    _new_client(self._region, self._endpoint_url, self._config),
                    _new_client(self._region, self._endpoint_url, self._hit_config),
                )
            return self._clients

    @property
    def client(self) -> Any:
        """The boto3 client for reads and checks (botocore retries them)."""
        return self._both()[0]

    @property
    def hit_client(self) -> Any:
        """The boto3 client for hits (retried only by `_hit_blocking`)."""
        return self._both()[1]

    async def _run(self, blocking: partial[T]) -> T:
        """Run one blocking call on the store's threads; DynamoDB failures as 503s."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, blocking)
        except (ClientError, BotoCoreError) as exc:
            raise ServiceUnavailable(COUNTERS_DOWN) from exc

    async def hit(self, name: str) -> int:
        """UpdateItem `ADD hits :one`, which creates the item at 1; the new count."""
        response = await self._run(partial(self._hit_blocking, name))
        return int(response["Attributes"][HITS]["N"])

    def _hit_blocking(self, name: str) -> Any:
        """One UpdateItem, tried again (with backoff) only when DynamoDB surely wrote nothing:
        it throttled the request, or no connection was made."""
        attempt = 1
        while True:
            try:
                return self.hit_client.update_item(
                    TableName=self._table,
                    Key={KEY: {"S": name}},
                    UpdateExpression="ADD #h :one",
                    ExpressionAttributeNames={"#h": HITS},
                    ExpressionAttributeValues={":one": {"N": "1"}},
                    ReturnValues="UPDATED_NEW",
                )
            except ClientError as exc:
                if _code(exc) not in _THROTTLED or attempt > self._max_attempts:
                    raise
            except _NOT_SENT:
                if attempt > self._max_attempts:
                    raise
            self._retry_sleep(_backoff(attempt))
            attempt += 1

    async def get(self, name: str) -> int | None:
        """A strongly consistent GetItem: a hit just answered is always seen."""
        response = await self._run(
            partial(
                self._call,
                "get_item",
                Key={KEY: {"S": name}},
                ConsistentRead=True,
                ProjectionExpression="#h",
                ExpressionAttributeNames={"#h": HITS},
            )
        )
        item = response.get("Item")
        return None if item is None else int(item[HITS]["N"])

    async def page(self, offset: int, limit: int) -> tuple[list[CounterCount], int]:
        """Scan every page of the table, sort by name, and slice (DynamoDB has no order)."""
        if offset < 0 or limit < 0:
            raise ValueError(f"bad page offset={offset} limit={limit}")
        counters = await self._run(partial(self._scan))
        return counters[offset : offset + limit], len(counters)

    def _scan(self) -> list[CounterCount]:
        pages = self.client.get_paginator("scan").paginate(
            TableName=self._table,
            ConsistentRead=True,
            ProjectionExpression="#k, #h",
            ExpressionAttributeNames={"#k": KEY, "#h": HITS},
        )
        counters = [
            CounterCount(str(item[KEY]["S"]), int(item[HITS]["N"]))
            for page in pages
            for item in page.get("Items", [])
        ]
        return sorted(counters, key=lambda c: c.name)

    async def check(self) -> None:
        """DescribeTable: the endpoint answers, the table exists, is usable and keyed by `pk`."""
        await asyncio.get_running_loop().run_in_executor(self._executor, self._check_blocking)

    def _check_blocking(self) -> None:
        try:
            table = self._call("describe_table")["Table"]
        except ClientError as exc:
            if _code(exc) == "ResourceNotFoundException":
                raise ServiceUnavailable(
                    f"DynamoDB table {self._table} does not exist "
                    "(create it with `hexashop counters create-table`)"
                ) from exc
            raise ServiceUnavailable(f"DynamoDB refused DescribeTable: {_describe(exc)}") from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable(f"DynamoDB is unreachable: {_describe(exc)}") from exc
        status = table.get("TableStatus")
        if status not in ("ACTIVE", "UPDATING"):
            raise ServiceUnavailable(f"DynamoDB table {self._table} is {status}, not ACTIVE")
        if table.get("KeySchema") != [{"AttributeName": KEY, "KeyType": "HASH"}]:
            raise ServiceUnavailable(
                f"DynamoDB table {self._table} must have the one partition key `{KEY}`"
            )

    def _call(self, operation: str, **params: Any) -> Any:
        """One DynamoDB call on this table, in the calling (worker) thread."""
        return getattr(self.client, operation)(TableName=self._table, **params)

    async def aclose(self) -> None:
        """Close the client's connections and let the store's threads end."""
        clients, self._clients = self._clients, None
        loop = asyncio.get_running_loop()
        for client in clients or ():
            await loop.run_in_executor(self._executor, client.close)
        self._executor.shutdown(wait=False)


def create_table(
    table_name: str,
    region: str,
    endpoint_url: str | None = None,
    connect_timeout: float = 2.0,
    read_timeout: float = 5.0,
) -> bool:
    """Create the counters table (on-demand, `pk` S HASH) and wait until it is active; True
    when created, False when it already existed. Blocking: for the CLI. ServiceUnavailable
    when DynamoDB can't be reached or refuses."""
    client = _new_client(
        region, endpoint_url, _config(connect_timeout, read_timeout, 3, DEFAULT_POOL_SIZE)
    )
    try:
        client.create_table(
            TableName=table_name,
            AttributeDefinitions=[{"AttributeName": KEY, "AttributeType": "S"}],
            KeySchema=[{"AttributeName": KEY, "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        created = True
    except ClientError as exc:
        if _code(exc) != "ResourceInUseException":
            raise ServiceUnavailable(f"DynamoDB refused CreateTable: {_describe(exc)}") from exc
        created = False
    except BotoCoreError as exc:
        raise ServiceUnavailable(f"DynamoDB is unreachable: {_describe(exc)}") from exc
    try:
        # The first DescribeTable is immediate; later ones every 2 s, for up to two minutes.
        client.get_waiter("table_exists").wait(
            TableName=table_name, WaiterConfig={"Delay": 2, "MaxAttempts": 60}
        )
    except (ClientError, BotoCoreError) as exc:
        raise ServiceUnavailable(f"DynamoDB table {table_name} did not become active") from exc
    finally:
        client.close()
    return created
