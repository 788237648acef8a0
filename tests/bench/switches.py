"""On/off part of `make bench`: what one feature costs GET /me, run by tests/bench/run.py.

For each switch, two builds of the same `hexashop serve` on the harness's database: one with
the feature's `on` environment, one with its `off` environment. GET /me is loaded on each in
alternating rounds (on, off, then off, on, ...), so drift on this shared machine reaches both;
the reported figure is each side's median round and the ratio of the two (target >= 0.9;
the limiter on Redis, what replicas share in production, is reported without one).

To measure another feature, add a Switch to SWITCHES.
"""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis

from tests.bench.run import (
    ME_CONNECTIONS,
    ME_THREADS,
    HarnessError,
    Load,
    Report,
    WrkResult,
    free_port,
    start,
    wait_until_up,
)

SWITCH_ROUNDS, SWITCH_WARMUP_S, SWITCH_DURATION_S = 4, 3, 5
TARGET_SWITCH_RATIO = 0.9


@dataclass(frozen=True)
class Switch:
    """A feature and the environment overrides that turn it on and off."""

    name: str
    on: dict[str, str]
    off: dict[str, str]
    target: float | None = TARGET_SWITCH_RATIO
    needs_redis: bool = False


_LIMITER_ON = {"RATE_LIMIT_ENABLED": "true", "RATE_LIMIT_DEFAULT": "100000000/minute"}
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
_REDIS_PREFIX = f"hexashop-bench-{os.getpid()}"
SWITCHES = (
    Switch(
        "rate limiter",
        # Memory storage, and a limit the load never reaches: the cost of counting, no refusals.
        on=_LIMITER_ON,
        off={"RATE_LIMIT_ENABLED": "false"},
    ),
    Switch(
        "rate limiter and security headers",
        # The whole perimeter every response passes through, against a build without it.
        on={**_LIMITER_ON, "SECURITY_HEADERS_ENABLED": "true"},
        off={"RATE_LIMIT_ENABLED": "false", "SECURITY_HEADERS_ENABLED": "false"},
    ),
    Switch(
        "rate limiter on Redis",
        # One Lua script per request, on the local Redis: what every replica pays.
        on={**_LIMITER_ON, "REDIS_URL": REDIS_URL, "RATE_LIMIT_KEY_PREFIX": _REDIS_PREFIX},
        off={"RATE_LIMIT_ENABLED": "false"},
        target=None,
        needs_redis=True,
    ),
)


@dataclass
class SwitchReport:
    """One switch measured: the median round of each side and every round."""

    name: str
    on: WrkResult | None = None
    off: WrkResult | None = None
    rounds: list[dict[str, float]] = field(default_factory=list)
    ratio: float | None = None  # median-round req/s, on / off


def _median_round(results: list[WrkResult]) -> WrkResult:
    return sorted(results, key=lambda r: r.requests_per_s)[(len(results) - 1) // 2]


def _checked(name: str, result: WrkResult) -> WrkResult:
    if result.failed_share > 0:
        raise HarnessError(
            f"{name}: {result.non_2xx} non-2xx, {result.socket_errors} socket errors out of "
            f"{result.requests}; the two sides would not have done the same work"
        )
    return result


def measure_switch(
    wrk: str, switch: Switch, tmp: Path, server_cmd: list[str], env: dict[str, str], token: str
) -> SwitchReport:
    """Both builds up at once (one idles while the other is loaded), alternating rounds."""
    report = SwitchReport(switch.name)
    loads: dict[str, Load] = {}
    procs = []
    try:
        for side, overrides in (("on", switch.on), ("off", switch.off)):
            port = free_port()
            label = f"switch-{switch.name.replace(' ', '-')}-{side}"
            proc = start(label, server_cmd, {**env, **overrides, "PORT": str(port)}, tmp)
            procs.append(proc)
            base = f"http://127.0.0.1:{port}"
            wait_until_up(proc, base, ["/health/live"])
            _check_limiter(switch, side, overrides, base, token)
            loads[side] = Load(
                f"{base}/api/v1/me",
                ME_THREADS,
                ME_CONNECTIONS,
                SWITCH_DURATION_S,
                auth=f"Bearer {token}",
            )
        for side, load in loads.items():
            warm = Load(load.url, load.threads, load.connections, SWITCH_WARMUP_S, auth=load.auth)
            _checked(f"{switch.name} {side} warm-up", warm.run(wrk))
        results: dict[str, list[WrkResult]] = {"on": [], "off": []}
        for number in range(SWITCH_ROUNDS):
            order = ("on", "off") if number % 2 == 0 else ("off", "on")
            print(f"  {switch.name} round {number + 1}/{SWITCH_ROUNDS}: {' then '.join(order)}")
            for side in order:
                results[side].append(_checked(f"{switch.name} {side}", loads[side].run(wrk)))
    finally:
        for proc in procs:
            proc.stop()
    report.on, report.off = _median_round(results["on"]), _median_round(results["off"])
    report.rounds = [
        {"on_rps": on.requests_per_s, "off_rps": off.requests_per_s}
        for on, off in zip(results["on"], results["off"], strict=True)
    ]
    report.ratio = report.on.requests_per_s / max(report.off.requests_per_s, 1e-9)
    return report


def _check_limiter(
    switch: Switch, side: str, overrides: dict[str, str], base: str, token: str
) -> None:
    """A limiter that is on must count (it serves uncounted while its store is unreachable)."""
    if overrides.get("RATE_LIMIT_ENABLED") != "true":
        return
    answer = httpx.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    if "ratelimit-limit" not in answer.headers:
        raise HarnessError(f"{switch.name} {side}: the limiter answered without counting")


def _redis_reachable() -> bool:
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False


def _forget_bench_keys() -> None:
    with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2) as client:
        for key in client.scan_iter(match=f"{_REDIS_PREFIX}:*"):
            client.delete(key)


def measure(
    wrk: str, tmp: Path, server_cmd: list[str], env: dict[str, str], token: str, report: Report
) -> None:
    """Every switch in SWITCHES, into report.switches (those needing Redis when it answers)."""
    for switch in SWITCHES:
        if switch.needs_redis and not _redis_reachable():
            print(f"skipping the {switch.name}: no Redis answers at {REDIS_URL}", flush=True)
            continue
        print(f"measuring GET /me with the {switch.name} on and off ...", flush=True)
        try:
            report.switches.append(measure_switch(wrk, switch, tmp, server_cmd, env, token))
        finally:
            if switch.needs_redis:
                _forget_bench_keys()


def scenario_rows(switches: list[SwitchReport]) -> list[tuple[str, WrkResult | None]]:
    """Rows for the scenario table."""
    rows: list[tuple[str, WrkResult | None]] = []
    for s in switches:
        rows += [
            (f"GET /me, {s.name} on (median)", s.on),
            (f"GET /me, {s.name} off (median)", s.off),
        ]
    return rows


def summary_lines(switches: list[SwitchReport]) -> list[str]:
    """Every round's req/s, on / off."""
    lines = []
    for s in switches:
        rounds = ", ".join(f"{r['on_rps']:.0f} / {r['off_rps']:.0f}" for r in s.rounds)
        ratios = [r["on_rps"] / r["off_rps"] for r in s.rounds if r["off_rps"]]
        median = (
            f" (median of the per-round ratios {statistics.median(ratios):.2f})" if ratios else ""
        )
        lines.append(f"GET /me {s.name} req/s per round, on / off: {rounds}{median}")
    return lines


def target_rows(switches: list[SwitchReport]) -> list[tuple[str, float | None, str, float]]:
    """One target row per switch that has a target."""
    targets = {switch.name: switch.target for switch in SWITCHES}
    rows = []
    for s in switches:
        target = targets.get(s.name)
        if target is not None:
            rows.append((f"GET /me req/s, {s.name} on / off", s.ratio, ">=", target))
    return rows
