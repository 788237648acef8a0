"""The catalog and order part of `make bench`, run by tests/bench/run.py in the same run.

On the harness's throwaway database, with its real server and seeded customer:

1. seed 1,000 active products (one INSERT ... SELECT FROM unnest, directly in Postgres);
2. GET /api/v1/products?page=2&limit=20 (anonymous), real vs bare (target real/bare >= 0.5);
3. count the SQL statements one list request issues at limit=5 and limit=50, in process,
   with a cursor-execute listener on the real app's engine (target: equal, i.e. no N+1);
4. POST /api/v1/orders (1 unit of a product, a different product each request), real vs
   bare; no target, the ratio is reported.

The bare side is tests/bench/bare_shop.py, started here and stopped as soon as it is measured.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx

from tests.bench.media_transfers import rss_mib
from tests.bench.run import (
    LUA,
    REPORT,
    HarnessError,
    Load,
    Report,
    WrkResult,
    free_port,
    start,
    summarize_profile,
    wait_until_up,
)

PRODUCTS = 1000
PRODUCT_STOCK = 10**9  # never runs out, so every order succeeds
LIST_PATH = "/api/v1/products?page=2&limit=20"
ORDERS_PATH = "/api/v1/orders"
# Both servers get the /me load shape, measured one after the other, shorter to fit ~60 s.
SHOP_THREADS, SHOP_CONNECTIONS, SHOP_WARMUP_S, SHOP_DURATION_S = 2, 32, 2, 8
STATEMENT_LIMITS = (5, 50)
ORDERS_LUA = Path(__file__).with_name("orders.lua")
MAX_FAILED_SHARE = 0.0  # a failed request means the two sides did not do the same work

TARGET_LIST_RATIO = 0.5
TARGET_ORDERS_RATIO = 0.5
IDLE_AFTER_LOAD_S = 2  # the last requests' buffers freed, the pool's connections still open
TARGET_STATEMENT_RATIO = 1.0


@dataclass
class ShopReport:
    """The catalog and order measurements, nested in report.json under `shop`."""

    products_real: WrkResult | None = None
    products_bare: WrkResult | None = None
    orders_real: WrkResult | None = None
    orders_bare: WrkResult | None = None
    list_ratio: float | None = None
    orders_ratio: float | None = None
    # Statements one GET /products issues, per page size, and the SQL at the largest size.
    list_statements: dict[str, int] = field(default_factory=dict)
    # The real server's resident set once the order load has stopped (None: pid unknown).
    idle_rss_after_load_mib: float | None = None
    list_sql: list[str] = field(default_factory=list)


@dataclass
class ScriptedLoad(Load):
    """A wrk run with its own Lua script and extra environment for it."""

    script: Path = LUA
    script_env: dict[str, str] = field(default_factory=dict)

    def command(self, wrk: str) -> list[str]:
        """The harness's command line with this script in place of request.lua."""
        return [str(self.script) if arg == str(LUA) else arg for arg in super().command(wrk)]

    def env(self) -> dict[str, str]:
        """The harness's environment plus what the script reads."""
        return {**super().env(), **self.script_env}


# --- seeding -------------------------------------------------------------------------------------

_SEED = """
INSERT INTO products (id, name, description, price_cents, stock, active, image_ids,
                      created_at, updated_at)
SELECT id, name, description, price, stock, true, '[]'::jsonb, created, created
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::timestamptz[])
     AS seed(id, name, description, price, stock, created)
"""


async def seed_products(dsn: str) -> list[UUID]:
    """Insert PRODUCTS active products in one statement; their ids, oldest first."""
    ids = [uuid4() for _ in range(PRODUCTS)]
    # Distinct creation times with sub-second parts, so the default sort is the seed order.
    first = datetime.now(UTC) - timedelta(hours=1)
    created = [first + timedelta(seconds=n, microseconds=137 * n) for n in range(PRODUCTS)]
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            _SEED,
            ids,
            [f"Bench product {n:04d}" for n in range(PRODUCTS)],
            [f"Product {n} seeded by make bench." for n in range(PRODUCTS)],
            [1000 + 100 * (n % 90) for n in range(PRODUCTS)],  # $10 and up: above the minimum
            [PRODUCT_STOCK] * PRODUCTS,
            created,
        )
    finally:
        await conn.close()
    return ids


# --- statement count -----------------------------------------------------------------------------


async def _count_statements(server_env: dict[str, str]) -> tuple[dict[str, int], list[str]]:
    from litestar.testing import AsyncTestClient

    from entrypoints.containers import create_container
    from entrypoints.http.app import create_app
    from entrypoints.http.logging import configure_logging
    from entrypoints.settings import load_settings
    from tests.support.statements import watch_statements

    settings = load_settings(server_env)
    configure_logging(settings.log_level)  # as `hexashop serve` does: no request log lines
    container = create_container(settings)

    seen: list[str] = []

    def record(statement: str) -> None:
        seen.append(" ".join(statement.split()))

    counts: dict[str, int] = {}
    # Both paths are watched: SQLAlchemy's, and the driver's for read-only units of work.
    engine = container.core.engine().sync_engine
    async with (
        watch_statements(engine, record),
        AsyncTestClient(app=create_app(container)) as client,
    ):
        # A first request connects and initializes the dialect: not part of the count.
        await client.get("/api/v1/products", params={"limit": 1})
        for limit in STATEMENT_LIMITS:
            await asyncio.sleep(0.1)  # the first request's late reports, as below
            seen.clear()
            answer = await client.get("/api/v1/products", params={"page": 1, "limit": limit})
            if answer.status_code != 200 or len(answer.json()["data"]) != limit:
                raise HarnessError(
                    f"in-process GET /products?limit={limit} answered {answer.status_code}: "
                    f"{answer.text[:300]}"
                )
            # asyncpg reports queries with call_soon on the app's loop, which the test client
            # may run in another thread: give the last report time to land.
            await asyncio.sleep(0.1)
            counts[f"limit={limit}"] = len(seen)
    return counts, list(seen)


# --- checks --------------------------------------------------------------------------------------


def _shape(value: Any) -> Any:
    """The keys of a JSON value, recursively (lists by their first element)."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def check_same_answers(base_real: str, base_bare: str, auth: str, product_id: UUID) -> None:
    """The bare handlers answer what the real ones do: the same page, the same order shape."""
    with httpx.Client(timeout=10) as client:
        real, bare = (client.get(base + LIST_PATH) for base in (base_real, base_bare))
        if real.status_code != 200 or bare.status_code != 200:
            raise HarnessError(f"GET {LIST_PATH}: real {real.status_code}, bare {bare.status_code}")
        if real.json() != bare.json():
            raise HarnessError(
                f"GET {LIST_PATH}: bare answer differs from the real one:\n"
                f"real {real.text[:400]}\nbare {bare.text[:400]}"
            )
        body = {"items": [{"productId": str(product_id), "quantity": 1}]}
        headers = {"Authorization": auth}
        real, bare = (
            client.post(base + ORDERS_PATH, json=body, headers=headers)
            for base in (base_real, base_bare)
        )
        if real.status_code != 201 or bare.status_code != 201:
            raise HarnessError(
                f"POST {ORDERS_PATH}: real {real.status_code} {real.text[:300]}, "
                f"bare {bare.status_code} {bare.text[:300]}"
            )
        if _shape(real.json()) != _shape(bare.json()):
            raise HarnessError(
                f"POST {ORDERS_PATH}: bare order differs in shape:\n{real.text}\n{bare.text}"
            )


def _checked(name: str, result: WrkResult) -> WrkResult:
    if result.failed_share > MAX_FAILED_SHARE:
        raise HarnessError(
            f"{name}: {result.non_2xx} non-2xx and {result.socket_errors} socket errors out "
            f"of {result.requests} requests; the numbers would be meaningless"
        )
    return result


def _measure(wrk: str, name: str, load: ScriptedLoad) -> WrkResult:
    print(f"  {name}: warm-up {SHOP_WARMUP_S}s, measure {SHOP_DURATION_S}s", flush=True)
    warm_up = replace(load, duration_s=SHOP_WARMUP_S)
    _checked(f"{name} warm-up", warm_up.run(wrk))
    return _checked(name, load.run(wrk))


def _ratio(real: WrkResult | None, bare: WrkResult | None) -> float | None:
    if real is None or bare is None or not bare.requests_per_s:
        return None
    return real.requests_per_s / bare.requests_per_s


# --- entry points for run.py ---------------------------------------------------------------------


def measure(
    wrk: str,
    logdir: Path,
    dsn: str,
    server_env: dict[str, str],
    bare_env: dict[str, str],
    base_real: str,
    token: str,
    report: Report,
    server_pid: int | None = None,
) -> None:
    """Seed the catalog, measure list and orders real vs bare, count the list's statements,
    and the real server's idle RSS after that load (`server_pid`)."""
    shop = report.shop = ShopReport()
    print(f"seeding {PRODUCTS} products ...", flush=True)
    product_ids = asyncio.run(seed_products(dsn))
    auth = f"Bearer {token}"

    bare_port = free_port()
    currency = (server_env.get("STORE_CURRENCY") or "USD").upper()
    env = {**bare_env, "PORT": str(bare_port), "BENCH_CURRENCY": currency}
    print("starting the bare shop app ...", flush=True)
    bare = start("bare_shop", [sys.executable, "-m", "tests.bench.bare_shop"], env, logdir)
    try:
        base_bare = f"http://127.0.0.1:{bare_port}"
        wait_until_up(bare, base_bare, [LIST_PATH], timeout=30)
        check_same_answers(base_real, base_bare, auth, product_ids[0])

        print(f"measuring GET {LIST_PATH} ...", flush=True)
        for attr, base in (("products_real", base_real), ("products_bare", base_bare)):
            load = ScriptedLoad(base + LIST_PATH, SHOP_THREADS, SHOP_CONNECTIONS, SHOP_DURATION_S)
            setattr(shop, attr, _measure(wrk, attr, load))
        shop.list_ratio = _ratio(shop.products_real, shop.products_bare)

        print(f"measuring POST {ORDERS_PATH} ...", flush=True)
        ids = ",".join(str(product_id) for product_id in product_ids)
        for attr, base in (("orders_real", base_real), ("orders_bare", base_bare)):
            load = ScriptedLoad(
                base + ORDERS_PATH,
                SHOP_THREADS,
                SHOP_CONNECTIONS,
                SHOP_DURATION_S,
                auth=auth,
                script=ORDERS_LUA,
                script_env={"BENCH_PRODUCT_IDS": ids},
            )
            setattr(shop, attr, _measure(wrk, attr, load))
        shop.orders_ratio = _ratio(shop.orders_real, shop.orders_bare)
        if os.environ.get("BENCH_PROFILE") and server_pid is not None:
            _profile_orders(wrk, server_pid, base_real, auth, ids)
        if server_pid is not None:
            time.sleep(IDLE_AFTER_LOAD_S)
            shop.idle_rss_after_load_mib = rss_mib(server_pid)
    finally:
        bare.stop()

    print("counting the SQL statements of GET /products in process ...", flush=True)
    shop.list_statements, shop.list_sql = asyncio.run(_count_statements(server_env))


def _profile_orders(wrk: str, server_pid: int, base_real: str, auth: str, ids: str) -> None:
    """With BENCH_PROFILE=1: sample the real server under the order load with py-spy (an
    extra run, after the measured one) and print where its time goes."""
    py_spy = shutil.which("py-spy") or shutil.which(str(Path(sys.executable).with_name("py-spy")))
    if not py_spy:
        print("  BENCH_PROFILE set but py-spy is missing (.venv/bin/pip install py-spy)")
        return
    folded = REPORT.with_name("orders-real.folded")
    folded.parent.mkdir(parents=True, exist_ok=True)
    print(f"  profiling POST {ORDERS_PATH} for {SHOP_DURATION_S}s with py-spy -> {folded}")
    load = ScriptedLoad(
        base_real + ORDERS_PATH,
        SHOP_THREADS,
        SHOP_CONNECTIONS,
        SHOP_DURATION_S,
        auth=auth,
        script=ORDERS_LUA,
        script_env={"BENCH_PRODUCT_IDS": ids},
    )
    background = load.spawn(wrk)
    spy = [py_spy, "record", "--pid", str(server_pid), "--duration", str(SHOP_DURATION_S - 1)]
    spy += ["--rate", "200", "--format", "raw", "--output", str(folded), "--nonblocking"]
    subprocess.run(spy, capture_output=True, check=False)
    load.collect(background)
    if folded.exists():
        print(summarize_profile(folded.read_text(), top=60))


def scenario_rows(shop: ShopReport | None) -> list[tuple[str, WrkResult | None]]:
    """Rows for the report's scenario table."""
    shape = f"(-t{SHOP_THREADS} -c{SHOP_CONNECTIONS} {SHOP_DURATION_S}s)"
    shop = shop or ShopReport()
    return [
        (f"GET /products?page=2 real {shape}", shop.products_real),
        (f"GET /products?page=2 bare {shape}", shop.products_bare),
        (f"POST /orders real   {shape}", shop.orders_real),
        (f"POST /orders bare   {shape}", shop.orders_bare),
    ]


def summary_lines(shop: ShopReport | None) -> list[str]:
    """Lines under the table: the orders ratio (no target) and the statement counts."""
    if shop is None:
        return []
    ratio = "-" if shop.orders_ratio is None else f"{shop.orders_ratio:.2f}"
    counts = ", ".join(f"{key}: {value}" for key, value in shop.list_statements.items()) or "-"
    rss = shop.idle_rss_after_load_mib
    return [
        f"POST /orders req/s real / bare: {ratio}",
        f"SQL statements per GET /products ({counts})",
        "real server idle RSS after the list and order load: "
        + ("-" if rss is None else f"{rss:.0f} MiB"),
    ]


def target_rows(shop: ShopReport | None) -> list[tuple[str, float | None, str, float]]:
    """Rows for the report's targets: (name, value, op, goal)."""
    shop = shop or ShopReport()
    low, high = (shop.list_statements.get(f"limit={n}") for n in STATEMENT_LIMITS)
    statements = None if low is None or high is None or not low else high / low
    return [
        ("GET /products req/s real / bare", shop.list_ratio, ">=", TARGET_LIST_RATIO),
        ("POST /orders req/s real / bare", shop.orders_ratio, ">=", TARGET_ORDERS_RATIO),
        (
            f"SQL statements limit={STATEMENT_LIMITS[1]} / limit={STATEMENT_LIMITS[0]}",
            statements,
            "<=",
            TARGET_STATEMENT_RATIO,
        ),
    ]
