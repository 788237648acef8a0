"""The hit counter part of `make bench`, run by tests/bench/run.py in the same run.

On the harness's throwaway database and its real server: an API key made by `hexashop apikeys
create`, then POST /api/v1/counters/{name}/hits (the key in X-API-Key, 100 counters in turn)
real vs bare (tests/bench/bare_counters.py: the same key check and upsert on asyncpg);
target real/bare >= 0.5 (issue 12). The total counted afterwards is reported.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from tests.bench.run import BIN, HarnessError, Report, WrkResult, free_port, start, wait_until_up
from tests.bench.shop import SHOP_CONNECTIONS, SHOP_DURATION_S, SHOP_THREADS, ScriptedLoad
from tests.bench.shop import _measure as measure_load

COUNTERS = tuple(f"page-{n}" for n in range(100))
HITS_LUA = Path(__file__).with_name("counters.lua")
TARGET_HITS_RATIO = 0.5


@dataclass
class CountersReport:
    """The hit measurements, nested in report.json under `counters`."""

    hits_real: WrkResult | None = None
    hits_bare: WrkResult | None = None
    hits_ratio: float | None = None
    counted: int | None = None  # the sum of every counter after both runs and the checks


def create_key(server_env: dict[str, str]) -> str:
    """A key for every counter, made as an operator would."""
    done = subprocess.run(
        [str(BIN / "hexashop"), "apikeys", "create", "bench"],
        env=server_env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise HarnessError(f"hexashop apikeys create: {done.stderr.strip()}")
    return done.stdout.strip()


def _check_same_answers(base_real: str, base_bare: str, key: str) -> None:
    with httpx.Client(timeout=10) as client:
        answers = [
            client.post(f"{base}/api/v1/counters/check/hits", headers={"X-API-Key": key})
            for base in (base_real, base_bare)
        ]
    real, bare = (a.json() if a.status_code == 200 else a.text for a in answers)
    if real != {"name": "check", "count": 1} or bare != {"name": "check", "count": 2}:
        raise HarnessError(f"hits: real answered {real!r}, bare {bare!r}")


async def _total(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT coalesce(sum(count), 0) FROM counters"))
    finally:
        await conn.close()


def measure(
    wrk: str,
    logdir: Path,
    dsn: str,
    server_env: dict[str, str],
    bare_env: dict[str, str],
    base_real: str,
    report: Report,
) -> None:
    """Measure hits real vs bare, then read the total the database counted."""
    counters = report.counters = CountersReport()
    key = create_key(server_env)
    bare_port = free_port()
    env = {**bare_env, "PORT": str(bare_port)}
    print("starting the bare counters app ...", flush=True)
    bare = start("bare_counters", [sys.executable, "-m", "tests.bench.bare_counters"], env, logdir)
    try:
        base_bare = f"http://127.0.0.1:{bare_port}"
        wait_until_up(bare, base_bare, ["/health/live"], timeout=30)
        _check_same_answers(base_real, base_bare, key)
        print("measuring POST /api/v1/counters/{name}/hits ...", flush=True)
        for attr, base in (("hits_real", base_real), ("hits_bare", base_bare)):
            load = ScriptedLoad(
                base + "/api/v1/counters/page-0/hits",
                SHOP_THREADS,
                SHOP_CONNECTIONS,
                SHOP_DURATION_S,
                script=HITS_LUA,
                script_env={"BENCH_API_KEY": key, "BENCH_COUNTERS": ",".join(COUNTERS)},
            )
            setattr(counters, attr, measure_load(wrk, attr, load))
    finally:
        bare.stop()
    real, bare_result = counters.hits_real, counters.hits_bare
    if real and bare_result and bare_result.requests_per_s:
        counters.hits_ratio = real.requests_per_s / bare_result.requests_per_s
    counters.counted = asyncio.run(_total(dsn))


def scenario_rows(counters: CountersReport | None) -> list[tuple[str, WrkResult | None]]:
    """Rows for the report's scenario table."""
    shape = f"(-t{SHOP_THREADS} -c{SHOP_CONNECTIONS} {SHOP_DURATION_S}s)"
    counters = counters or CountersReport()
    return [
        (f"POST /counters/…/hits real {shape}", counters.hits_real),
        (f"POST /counters/…/hits bare {shape}", counters.hits_bare),
    ]


def summary_lines(counters: CountersReport | None) -> list[str]:
    """The total counted, for the record."""
    if counters is None or counters.counted is None:
        return []
    return [f"hits counted in the database after both runs: {counters.counted}"]


def target_rows(counters: CountersReport | None) -> list[tuple[str, float | None, str, float]]:
    """Rows for the report's targets: (name, value, op, goal)."""
    counters = counters or CountersReport()
    return [("POST /counters hits req/s real / bare", counters.hits_ratio, ">=", TARGET_HITS_RATIO)]
