"""Three API replicas and two workers on one Postgres database and one Redis lose nothing, send
nothing twice and exceed no limit under concurrent load (issue 14, item 5).

All five processes start at once on a fresh database (the replicas race to migrate it), then
customers register, verify, order a product with less stock than demand, pay (each payment
confirmed through two replicas at once), leave orders to expire and hammer one route, each
request sent to a replica in turn. The numbers are small and the worker intervals short so the
whole run stays within a few tens of seconds on a loaded machine.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from entrypoints.seed import DEMO_USERS
from tests.e2e.process import _messages, free_port, plain_body, run, start, token_in, wait_until
from tests.support.postgres import run_in_fresh_loop, throwaway_database_sync

pytestmark = pytest.mark.e2e

T = TypeVar("T")
API = "/api/v1"
REPLICAS = 3
WORKERS = 2
CUSTOMERS = 6
STOCK = 4  # fewer units than customers: two orders must be refused
PAID = 2  # of the STOCK orders placed; the others are left to expire
RATE_LIMIT = 20
RATE_LIMITED_CALLS = 45
COUNTER_HITS = 60  # spread over the replicas, under the per-key limit (600 a minute)
PASSWORD = "Secret123"
EDITOR = next(u for u in DEMO_USERS if str(u.role) == "editor")


@dataclass
class Cluster:
    """The running processes, a client per replica and where the workers deliver mail."""

    clients: list[httpx.Client]
    mail_dir: Path
    database_url: str
    logs: list[Path]
    api_key: str  # for the counter `home`, created with `hexashop apikeys create`

    def replica(self, n: int) -> httpx.Client:
        """The client of replica n modulo the replica count (round-robin by index)."""
        return self.clients[n % len(self.clients)]

    def worker_events(self, event: str) -> list[dict[str, Any]]:
        """Every JSON log line with this event name written by the worker processes."""
        found = []
        for log in self.logs[REPLICAS:]:
            for line in log.read_text().splitlines():
                if line.startswith("{") and (record := json.loads(line)).get("event") == event:
                    found.append(record)
        return found

    def sql(self, query: str, *args: Any) -> Any:
        """One value read from (or a statement run on) the shared database."""
        dsn = make_url(self.database_url).set(drivername="postgresql")

        async def execute() -> Any:
            conn = await asyncpg.connect(dsn.render_as_string(hide_password=False))
            try:
                return await conn.fetchval(query, *args)
            finally:
                await conn.close()

        return run_in_fresh_loop(execute)


def together(calls: list[Callable[[], T]]) -> list[T]:
    """Run the calls at once on threads; their results in order."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def _settings(database_url: str, redis_url: str, prefix: str, mail_dir: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "RATE_LIMIT_KEY_PREFIX": prefix,
        "RATE_LIMIT_ENABLED": "true",
        "RATE_LIMIT_DEFAULT": f"{RATE_LIMIT}/minute",
        # Every anonymous call comes from 127.0.0.1: registrations, verifications and log-ins
        # must not run into the auth limit.
        "RATE_LIMIT_AUTH": "500/minute",
        # Five processes on two busy cores: a Redis answer can take a while, and a timeout
        # would let requests pass uncounted.
        "REDIS_TIMEOUT_SECONDS": "5",
        "JWT_SECRET": "replica-test-signing-key-0123456789abcdef",
        "MAIL_FOLDER": str(mail_dir),
        "RUN_WORKER_IN_PROCESS": "false",
        "OUTBOX_POLL_SECONDS": "0.2",
        "ORDER_EXPIRY_INTERVAL_SECONDS": "0.3",
        "PASSWORD_HASH_THREADS": "1",
        "DB_POOL_SIZE": "4",
    }


@pytest.fixture(scope="session")
def bytecode_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Settings that let the processes share one compiled-bytecode cache, compiled once here.

    The Makefile exports PYTHONDONTWRITEBYTECODE, so nothing under .venv is precompiled: five
    processes each compiling every module they import took 50 s on two busy cores.
    """
    env = {
        "PYTHONPYCACHEPREFIX": str(tmp_path_factory.mktemp("pycache")),
        "PYTHONDONTWRITEBYTECODE": "",  # empty: unset, as far as Python is concerned
    }
    warm = run(tmp_path_factory.mktemp("warm"), "--help", **env)
    assert warm.returncode == 0, warm.stdout + warm.stderr
    return env


@pytest.fixture
def cluster(
    tmp_path: Path, redis_server_url: str, redis_prefix: str, bytecode_env: dict[str, str]
) -> Iterator[Cluster]:
    """3 `serve` and 2 `worker` processes started at once on a fresh database."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    mail_dir = tmp_path / "mail"
    with throwaway_database_sync("hexashop_replicas") as url:
        env = {**_settings(url, redis_server_url, redis_prefix, mail_dir), **bytecode_env}
        ports = [free_port() for _ in range(REPLICAS)]
        logs = [tmp_path / f"serve-{n}.log" for n in range(REPLICAS)]
        logs += [tmp_path / f"worker-{n}.log" for n in range(WORKERS)]
        processes: list[subprocess.Popen[str]] = [
            start(workdir, logs[n], "serve", PORT=str(port), **env) for n, port in enumerate(ports)
        ]
        processes += [start(workdir, log, "worker", **env) for log in logs[REPLICAS:]]
        clients = [httpx.Client(base_url=f"http://127.0.0.1:{p}", timeout=30) for p in ports]
        try:
            for n, client in enumerate(clients):
                wait_until(lambda c=client, p=processes[n]: _live(c, p), 90, f"replica {n}")
            seeded = run(workdir, "seed", "demo", **env)
            assert seeded.returncode == 0, seeded.stdout + seeded.stderr
            created = run(workdir, "apikeys", "create", "site", "--counters", "home", **env)
            assert created.returncode == 0, created.stdout + created.stderr
            yield Cluster(clients, mail_dir, url, logs, created.stdout.splitlines()[0].strip())
        finally:
            for client in clients:
                client.close()
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _live(client: httpx.Client, process: subprocess.Popen[str]) -> bool:
    if process.poll() is not None:
        raise AssertionError(f"a process exited early with {process.returncode}")
    try:
        return client.get("/health/live").status_code == 200
    except httpx.TransportError:
        return False


def _mail(cluster: Cluster) -> Counter[tuple[str, str]]:
    return Counter((str(m["To"]), str(m["Subject"])) for m in _messages(cluster.mail_dir))


def _log_in(client: httpx.Client, email: str, password: str) -> dict[str, str]:
    response = client.post(f"{API}/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['accessToken']}"}


def _register_and_verify(cluster: Cluster, emails: list[str]) -> None:
    registered = together(
        [
            lambda n=n, e=e: cluster.replica(n).post(
                f"{API}/auth/register", json={"email": e, "password": PASSWORD}
            )
            for n, e in enumerate(emails)
        ]
    )
    assert [r.status_code for r in registered] == [201] * len(emails)
    wanted = {(e, "Confirm your email address") for e in emails}
    wait_until(lambda: wanted <= set(_mail(cluster)), 30, "every verification email")
    tokens = {
        str(m["To"]): token_in(plain_body(m))
        for m in _messages(cluster.mail_dir)
        if str(m["Subject"]).startswith("Confirm")
    }
    verified = together(
        [
            lambda n=n, e=e: cluster.replica(n + 1).post(
                f"{API}/auth/verify-email", json={"token": tokens[e]}
            )
            for n, e in enumerate(emails)
        ]
    )
    assert [r.status_code for r in verified] == [200] * len(emails)


def test_three_replicas_and_two_workers_lose_nothing_repeat_nothing_and_exceed_no_limit(
    cluster: Cluster,
) -> None:
    customers = [f"customer{n}@replicas.example.com" for n in range(CUSTOMERS)]
    limited = "limited@replicas.example.com"
    _register_and_verify(cluster, [*customers, limited])
    sessions = together(
        [lambda n=n, e=e: _log_in(cluster.replica(n), e, PASSWORD) for n, e in enumerate(customers)]
    )
    editor = _log_in(cluster.replica(0), EDITOR.email, EDITOR.password)
    product = cluster.replica(1).post(
        f"{API}/products",
        headers=editor,
        json={"name": "Replica Mug", "priceCents": 1250, "stock": STOCK},
    )
    assert product.status_code == 201, product.text
    product_id = product.json()["id"]

    # Every customer orders one unit at once, through different replicas: no oversell.
    placed = together(
        [
            lambda n=n, s=s: cluster.replica(n).post(
                f"{API}/orders",
                headers=s,
                json={"items": [{"productId": product_id, "quantity": 1}]},
            )
            for n, s in enumerate(sessions)
        ]
    )
    assert sorted(r.status_code for r in placed) == [201] * STOCK + [409] * (CUSTOMERS - STOCK)
    orders = [
        (email, session, r.json()["id"])
        for email, session, r in zip(customers, sessions, placed, strict=True)
        if r.status_code == 201
    ]
    paying, expiring = orders[:PAID], orders[PAID:]

    # Each payment is confirmed through two replicas at once: it is applied (and mailed) once.
    intents = [
        cluster.replica(n)
        .post(f"{API}/orders/{order}/payment", headers=s)
        .json()["paymentIntentId"]
        for n, (_, s, order) in enumerate(paying)
    ]
    confirmed = together(
        [
            lambda n=n, i=i: cluster.replica(n).post(f"{API}/sandbox/payments/{i}/succeed")
            for i in intents
            for n in range(2)
        ]
    )
    assert all(r.status_code == 200 for r in confirmed), [r.text for r in confirmed]

    # The unpaid orders' deadline passes (backdated: the TTL is counted in minutes).
    cluster.sql(
        "UPDATE orders SET expires_at = created_at - interval '1 second'"
        " WHERE id = ANY($1::uuid[])",
        [order for _, _, order in expiring],
    )

    def statuses() -> list[str]:
        return [
            cluster.replica(n).get(f"{API}/orders/{order}", headers=s).json()["status"]
            for n, (_, s, order) in enumerate(orders)
        ]

    wait_until(lambda: statuses() == ["paid"] * PAID + ["cancelled"] * (STOCK - PAID), 30, "expiry")

    # One caller spread over the three replicas gets the limit, not three times it.
    limited_session = _log_in(cluster.replica(2), limited, PASSWORD)
    hammered = together(
        [
            lambda n=n: cluster.replica(n).get(f"{API}/products", headers=limited_session)
            for n in range(RATE_LIMITED_CALLS)
        ]
    )

    # Counter hits spread over the replicas: each answer a different count, the stored count
    # exactly their number.
    hits = together(
        [
            lambda n=n: cluster.replica(n).post(
                f"{API}/counters/home/hits", headers={"X-API-Key": cluster.api_key}
            )
            for n in range(COUNTER_HITS)
        ]
    )

    wait_until(
        lambda: cluster.sql("SELECT count(*) FROM outbox WHERE status <> 'sent'") == 0,
        30,
        "the outbox to drain",
    )
    mail = _mail(cluster)
    stock_left = cluster.replica(0).get(f"{API}/products/{product_id}").json()["stock"]
    expired_counts = [record["count"] for record in cluster.worker_events("orders_expired")]
    workers_started = cluster.worker_events("outbox_worker_started")

    expected_mail = {(e, "Confirm your email address") for e in [*customers, limited]}
    expected_mail |= {(email, f"Order confirmed: {order}") for email, _, order in paying}
    assert set(mail) == expected_mail
    assert all(count == 1 for count in mail.values()), mail
    assert sum(expired_counts) == STOCK - PAID  # each expired order cancelled once
    assert stock_left == STOCK - PAID  # the expired orders' units came back, once each
    assert [hit.status_code for hit in hits] == [200] * COUNTER_HITS
    assert sorted(hit.json()["count"] for hit in hits) == list(range(1, COUNTER_HITS + 1))
    assert cluster.sql("SELECT count FROM counters WHERE name = 'home'") == COUNTER_HITS
    assert Counter(r.status_code for r in hammered) == {
        200: RATE_LIMIT,
        429: RATE_LIMITED_CALLS - RATE_LIMIT,
    }
    assert len(workers_started) == WORKERS
