"""Contract of the CounterStore port held by DynamoDB (moto's server), its exactness under
concurrency, its failures as 503s, and `hexashop counters create-table`."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from click.testing import CliRunner

from adapters.dynamodb import counters as counters_module
from adapters.dynamodb.counters import COUNTERS_DOWN, DynamoCounterStore
from domain.counters import CounterCount
from domain.errors import ServiceUnavailable
from entrypoints.cli.counters import counters
from tests.support.moto_server import MOTO_REGION, dynamodb_client, dynamodb_table, moto_endpoint  # noqa: F401

pytestmark = pytest.mark.moto

LONGEST = "a" * 63 + "z"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def endpoint(request: pytest.FixtureRequest) -> str:
    """The session's moto server (its fixture, by name: the import only makes it visible)."""
    return str(request.getfixturevalue("moto_endpoint"))


@pytest.fixture
def table(request: pytest.FixtureRequest) -> str:
    """A fresh counters table on that server."""
    return str(request.getfixturevalue("dynamodb_table"))


@pytest.fixture
def waits() -> list[float]:
    """The backoffs the store waited between a hit's attempts (recorded, not slept)."""
    return []


@pytest.fixture
async def store(endpoint: str, table: str, waits: list[float]) -> AsyncIterator[DynamoCounterStore]:
    """The adapter on a fresh, empty table."""
    store = DynamoCounterStore(table, MOTO_REGION, endpoint, retry_sleep=waits.append)
    yield store
    await store.aclose()


@pytest.fixture
async def down(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DynamoCounterStore]:
    """The adapter pointed at a port nothing listens on, with one retry per call."""
    # Dummy credentials, so calls fail on the connection (not on signing) even with no moto.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    store = DynamoCounterStore(
        "hexashop-counters",
        MOTO_REGION,
        f"http://127.0.0.1:{_closed_port()}",
        connect_timeout=1,
        max_attempts=1,
        retry_sleep=lambda _: None,
    )
    yield store
    await store.aclose()


async def test_the_first_hit_creates_the_counter_at_one(store: DynamoCounterStore) -> None:
    assert await store.hit("home") == 1
    assert await store.get("home") == 1


async def test_repeated_hits_count_up_per_counter(store: DynamoCounterStore) -> None:
    assert [await store.hit("home") for _ in range(3)] == [1, 2, 3]
    assert await store.hit("about") == 1

    assert (await store.get("home"), await store.get("about")) == (3, 1)


async def test_a_counter_never_hit_has_no_count(store: DynamoCounterStore) -> None:
    await store.hit("home")

    assert await store.get("contact") is None


async def test_the_item_is_keyed_by_pk_with_a_numeric_hits_attribute(
    store: DynamoCounterStore, endpoint: str, table: str
) -> None:
    await store.hit("home")
    await store.hit("home")

    items = dynamodb_client(endpoint).scan(TableName=table)["Items"]
    assert items == [{"pk": {"S": "home"}, "hits": {"N": "2"}}]


async def test_names_at_the_bounds_are_kept_exactly(store: DynamoCounterStore) -> None:
    for name in (LONGEST, "0", "-"):
        assert await store.hit(name) == 1
    assert await store.hit(LONGEST) == 2

    assert await store.get(LONGEST) == 2
    assert await store.get(LONGEST[:-1]) is None
    assert await store.page(0, 10) == (
        [CounterCount("-", 1), CounterCount("0", 1), CounterCount(LONGEST, 2)],
        3,
    )


async def test_a_page_is_ordered_by_name_with_offset_limit_and_total(
    store: DynamoCounterStore,
) -> None:
    names = ["delta", "alpha", "echo", "charlie", "bravo"]
    for count, name in enumerate(names, start=1):
        for _ in range(count):
            await store.hit(name)

    assert await store.page(0, 2) == ([CounterCount("alpha", 2), CounterCount("bravo", 5)], 5)
    assert await store.page(2, 2) == ([CounterCount("charlie", 4), CounterCount("delta", 1)], 5)
    assert await store.page(4, 2) == ([CounterCount("echo", 3)], 5)
    assert await store.page(5, 2) == ([], 5)


async def test_an_empty_table_has_an_empty_page(store: DynamoCounterStore) -> None:
    assert await store.page(0, 50) == ([], 0)


async def test_a_page_reads_every_scan_page(store: DynamoCounterStore) -> None:
    # Scan returns at most 1 MB per call; long names make the table span several calls.
    for i in range(40):
        await store.hit(f"{i:02d}-" + "x" * 61)
    scans: list[int] = []

    def small_pages(params: dict[str, object], **_: object) -> None:
        scans.append(1)
        params["Limit"] = 7

    store.client.meta.events.register("provide-client-params.dynamodb.Scan", small_pages)

    counters, total = await store.page(35, 10)

    assert total == 40 and len(scans) == 6
    assert [c.name[:2] for c in counters] == ["35", "36", "37", "38", "39"]


async def test_check_passes_on_the_table(store: DynamoCounterStore) -> None:
    await store.check()


async def test_check_names_a_missing_table(endpoint: str) -> None:
    store = DynamoCounterStore("hexashop-counters-missing", MOTO_REGION, endpoint)

    with pytest.raises(ServiceUnavailable, match="hexashop-counters-missing does not exist"):
        await store.check()
    await store.aclose()


async def test_check_refuses_a_table_with_another_key(endpoint: str) -> None:
    client = dynamodb_client(endpoint)
    client.create_table(
        TableName="hexashop-counters-wrong-key",
        AttributeDefinitions=[{"AttributeName": "name", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "name", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    store = DynamoCounterStore("hexashop-counters-wrong-key", MOTO_REGION, endpoint)
    try:
        with pytest.raises(ServiceUnavailable, match="partition key `pk`"):
            await store.check()
    finally:
        await store.aclose()
        client.delete_table(TableName="hexashop-counters-wrong-key")


async def test_check_of_an_unreachable_endpoint_raises(down: DynamoCounterStore) -> None:
    with pytest.raises(ServiceUnavailable, match="unreachable: EndpointConnectionError"):
        await down.check()


async def test_calls_to_an_unreachable_endpoint_are_unavailable_without_details(
    down: DynamoCounterStore,
) -> None:
    for call in (down.hit("home"), down.get("home"), down.page(0, 10)):
        with pytest.raises(ServiceUnavailable) as raised:
            await call
        # The public message names no endpoint or table; the cause keeps botocore's error.
        assert raised.value.message == COUNTERS_DOWN
        assert isinstance(raised.value.__cause__, EndpointConnectionError)


async def test_a_hit_on_a_missing_table_is_unavailable(endpoint: str) -> None:
    store = DynamoCounterStore("hexashop-counters-missing", MOTO_REGION, endpoint)

    with pytest.raises(ServiceUnavailable, match=COUNTERS_DOWN):
        await store.hit("home")
    await store.aclose()


def _throttle(store: DynamoCounterStore, times: int) -> list[int]:
    """Make DynamoDB refuse the store's next `times` UpdateItems for throughput (as a table over
    its limits does, before writing anything); the list grows by one per attempt."""
    attempts: list[int] = []

    def throttled(**_: object) -> None:
        attempts.append(1)
        if len(attempts) <= times:
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}},
                "UpdateItem",
            )

    store.hit_client.meta.events.register("before-call.dynamodb.UpdateItem", throttled)
    return attempts


async def test_a_throttled_hit_is_tried_again_and_counted_once(
    store: DynamoCounterStore, waits: list[float]
) -> None:
    attempts = _throttle(store, times=2)

    assert await store.hit("home") == 1
    assert len(attempts) == 3
    # Jittered exponential backoff: up to 0.1 s, then up to 0.2 s.
    assert len(waits) == 2 and 0 <= waits[0] <= 0.1 and 0 <= waits[1] <= 0.2
    assert await store.get("home") == 1


async def test_throttling_on_every_attempt_is_unavailable(
    store: DynamoCounterStore, waits: list[float]
) -> None:
    attempts = _throttle(store, times=100)

    with pytest.raises(ServiceUnavailable, match=COUNTERS_DOWN):
        await store.hit("home")
    # The first try and max_attempts (3) more, then it gives up.
    assert len(attempts) == 4 and len(waits) == 3
    assert await store.get("home") is None


async def test_a_hit_whose_answer_is_lost_is_not_sent_again(store: DynamoCounterStore) -> None:
    sent: list[int] = []

    def lost(**_: object) -> None:
        # Raised where the HTTP layer would raise a read timeout: DynamoDB may have applied
        # the hit, so sending it again could count it twice.
        sent.append(1)
        raise ReadTimeoutError(endpoint_url="http://dynamodb.test")

    store.hit_client.meta.events.register("before-send.dynamodb.UpdateItem", lost)

    with pytest.raises(ServiceUnavailable, match=COUNTERS_DOWN):
        await store.hit("home")
    assert sent == [1]


async def test_reads_are_retried_by_botocore(store: DynamoCounterStore) -> None:
    await store.hit("home")
    sent: list[int] = []

    def flaky(**_: object) -> None:
        sent.append(1)
        if len(sent) == 1:
            raise ReadTimeoutError(endpoint_url="http://dynamodb.test")

    store.client.meta.events.register("before-send.dynamodb.GetItem", flaky)

    assert await store.get("home") == 1
    assert len(sent) == 2


async def test_a_thousand_concurrent_hits_add_exactly_a_thousand(
    store: DynamoCounterStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[object] = []
    new_client = counters_module._new_client

    def counted(*args: Any) -> object:
        built.append(new_client(*args))
        return built[-1]

    # The store's threads all reach for the clients at once: one pair gets built.
    monkeypatch.setattr(counters_module, "_new_client", counted)
    counts = await asyncio.gather(*(store.hit("home") for _ in range(1000)))

    assert await store.get("home") == 1000
    # Each hit saw its own new count: none was lost or counted twice.
    assert sorted(counts) == list(range(1, 1001))
    assert len(built) == 2


async def test_the_event_loop_runs_while_a_hit_waits_on_dynamodb(
    store: DynamoCounterStore,
) -> None:
    loop_thread = threading.get_ident()
    entered, released = threading.Event(), threading.Event()
    callers: list[str] = []

    def hold(**_: object) -> None:
        # Blocks whichever thread makes the request until the loop lets it go. Were that the
        # loop's thread, the loop could not run the code below: the wait times out instead.
        callers.append(threading.current_thread().name)
        entered.set()
        released.wait(timeout=5)

    store.hit_client.meta.events.register("before-call.dynamodb.UpdateItem", hold)
    hit = asyncio.create_task(store.hit("home"))
    while not entered.is_set():
        await asyncio.sleep(0.001)

    # The request is held in flight, and the loop still runs other tasks to their end.
    other = asyncio.create_task(asyncio.sleep(0, result="ran"))
    assert await other == "ran"
    assert not hit.done()
    released.set()

    assert await hit == 1
    assert threading.get_ident() == loop_thread
    assert callers and callers[0].startswith("dynamodb-counters")


def test_create_table_twice_creates_then_leaves_it(endpoint: str, tmp_path: Path) -> None:
    env = {
        "APP_ENV": "test",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}",
        "VAR_DIR": str(tmp_path / "var"),
        "JWT_SECRET": "x" * 40,
        "AWS_REGION": MOTO_REGION,
        "AWS_ENDPOINT_URL": endpoint,
        "COUNTERS_TABLE": "hexashop-counters-cli",
    }
    runner = CliRunner()
    try:
        first = runner.invoke(counters, ["create-table"], env=env)
        second = runner.invoke(counters, ["create-table"], env=env)

        assert (first.exit_code, first.output) == (0, "created table hexashop-counters-cli\n")
        assert (second.exit_code, second.output) == (
            0,
            "table hexashop-counters-cli already exists\n",
        )
        table = dynamodb_client(endpoint).describe_table(TableName="hexashop-counters-cli")
        assert table["Table"]["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
        assert table["Table"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    finally:
        dynamodb_client(endpoint).delete_table(TableName="hexashop-counters-cli")


def test_the_table_option_wins_over_counters_table(endpoint: str, tmp_path: Path) -> None:
    env = {
        "APP_ENV": "test",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}",
        "VAR_DIR": str(tmp_path / "var"),
        "JWT_SECRET": "x" * 40,
        "AWS_REGION": MOTO_REGION,
        "AWS_ENDPOINT_URL": endpoint,
        "COUNTERS_TABLE": "hexashop-counters-from-env",
    }
    try:
        result = CliRunner().invoke(counters, ["create-table", "--table", "hc-option"], env=env)

        assert (result.exit_code, result.output) == (0, "created table hc-option\n")
        tables = dynamodb_client(endpoint).list_tables()["TableNames"]
        assert "hc-option" in tables and "hexashop-counters-from-env" not in tables
    finally:
        dynamodb_client(endpoint).delete_table(TableName="hc-option")


def test_create_table_on_an_unreachable_endpoint_is_one_error_line(tmp_path: Path) -> None:
    env = {
        "APP_ENV": "test",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}",
        "VAR_DIR": str(tmp_path / "var"),
        "JWT_SECRET": "x" * 40,
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{_closed_port()}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        # Nothing from the caller's shell may pick other credentials or another endpoint.
        "AWS_PROFILE": None,
        "AWS_ENDPOINT_URL_DYNAMODB": None,
        "COUNTERS_TABLE": None,
    }
    result = CliRunner().invoke(counters, ["create-table"], env=env)

    assert result.exit_code == 1
    assert result.output == "error: DynamoDB is unreachable: EndpointConnectionError\n"


async def test_a_hit_that_found_no_connection_is_tried_again(down: DynamoCounterStore) -> None:
    sent: list[int] = []
    down.hit_client.meta.events.register(
        "before-send.dynamodb.UpdateItem", lambda **_: sent.append(1)
    )

    with pytest.raises(ServiceUnavailable, match=COUNTERS_DOWN):
        await down.hit("home")
    # Nothing listens, so nothing was written: the first try and max_attempts (1) more.
    assert len(sent) == 2
