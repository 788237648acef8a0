"""`make bench`: load the real server and a bare Litestar app, print a report with targets.

One run does everything: throwaway Postgres database, the real `hexashop serve` process, a
seeded verified user, the bare app on the same database, then three measurements:

1. GET /api/v1/me throughput and latency, real vs bare (target real/bare >= 0.5);
2. POST /api/v1/auth/login median latency vs one in-process argon2 verification (<= 1.3);
3. GET /health/live p99 while 20 logins run continuously vs idle (<= 2.0), the median of five
   alternating rounds of each.

It is a report, not a test: exit 0 even when a target is missed, non-zero only when the
harness itself fails. Every subprocess is stopped and the database dropped, also on error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import httpx

if TYPE_CHECKING:
    from tests.bench.counters import CountersReport
    from tests.bench.media import MediaReport
    from tests.bench.shop import ShopReport
    from tests.bench.switches import SwitchReport

# Under `python -m` this module is __main__: register it under its name too, so tests.bench.shop
# (which imports from it) shares its classes instead of loading a second copy.
sys.modules.setdefault("tests.bench.run", sys.modules[__name__])

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LUA = Path(__file__).with_name("request.lua")
REPORT = ROOT / "var" / "bench" / "report.json"
PG_ADMIN_DSN = os.environ.get("BENCH_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "BenchPassw0rd"

# Load shapes. Both /me servers get the same shape, measured one after the other.
ME_THREADS, ME_CONNECTIONS, ME_WARMUP_S, ME_DURATION_S = 2, 32, 3, 10
LOGIN_SAMPLES = 30
HEALTH_CONNECTIONS, HEALTH_DURATION_S, HEALTH_ROUNDS = 4, 5, 5
LOGIN_LOAD_CONNECTIONS, LOGIN_LOAD_LEAD_S = 20, 2
WRK_TIMEOUT = "10s"

TARGET_ME_RATIO = 0.5
TARGET_LOGIN_RATIO = 1.3
TARGET_HEALTH_RATIO = 2.0

# BENCH_ONLY (or `--only`): everything, or one part on its own.
ONLY_CHOICES = ("", "me", "switches", "media", "shop", "blog", "counters", "catalog")


class HarnessError(Exception):
    """The harness itself could not run (as opposed to a missed target)."""


# --- processes ---------------------------------------------------------------------------------


@dataclass
class Proc:
    """A subprocess we started, in its own session, with its output in a log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 30) -> str:
        """The last lines of its output, for error messages."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM its process group, then SIGKILL if it does not exit in time."""
        if self.popen.poll() is not None:
            return
        pgid = self.popen.pid  # start_new_session=True makes pid the group id
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                return
            try:
                self.popen.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


def start(name: str, cmd: list[str], env: dict[str, str], logdir: Path) -> Proc:
    """Start a long-running subprocess, output to logdir/<name>.log."""
    log = logdir / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Proc(name, popen, log)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(proc: Proc, base: str, paths: list[str], timeout: float = 60) -> str:
    """Poll until one of `paths` answers 200; return that path. Fail fast if the process dies."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base, timeout=2) as client:
        while time.monotonic() < deadline:
            if proc.popen.poll() is not None:
                raise HarnessError(
                    f"{proc.name} exited with code {proc.popen.returncode} during startup:\n"
                    f"{proc.tail()}"
                )
            for path in paths:
                try:
                    if client.get(path).status_code == 200:
                        return path
                except httpx.HTTPError:
                    pass
            time.sleep(0.2)
    raise HarnessError(f"{proc.name} did not answer {paths} within {timeout}s:\n{proc.tail()}")


# --- database ----------------------------------------------------------------------------------


async def _admin(sql: str) -> None:
    try:
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        raise HarnessError(
            f"cannot reach Postgres at {PG_ADMIN_DSN} ({type(exc).__name__}: {exc}). "
            "Start it (e.g. `service postgresql start`) or set BENCH_PG_ADMIN_DSN."
        ) from exc
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Create hexashop_bench_<random>, yield its plain DSN, drop it afterwards."""
    name = "hexashop_bench_" + "".join(
        secrets.choice(string.ascii_lowercase + string.digits) for _ in range(10)
    )
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_DSN.rsplit("/", 1)[0] + "/" + name
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _fetch_password_hash(dsn: str, email: str) -> str:
    conn = await asyncpg.connect(dsn)
    try:
        value = await conn.fetchval("SELECT password_hash FROM users WHERE email = $1", email)
    finally:
        await conn.close()
    if not isinstance(value, str):
        raise HarnessError(f"no password_hash for {email} in table users")
    return value


# --- wrk ---------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    """What one wrk run measured."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int
    command: str = ""

    @property
    def failed_share(self) -> float:
        """Share of requests that were non-2xx/3xx or failed at the socket level."""
        return (self.non_2xx + self.socket_errors) / max(self.requests, 1)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _latency_ms(text: str, percent: str) -> float:
    match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.M)
    if not match:
        raise HarnessError(f"wrk output has no {percent}% latency line:\n{text}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(text: str) -> WrkResult:
    """Read Requests/sec, the --latency distribution and error counts from wrk's output."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    total = re.search(r"^\s*(\d+) requests in ", text, re.M)
    if not rps or not total:
        raise HarnessError(f"cannot parse wrk output:\n{text}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return WrkResult(
        requests_per_s=float(rps.group(1)),
        p50_ms=_latency_ms(text, "50"),
        p99_ms=_latency_ms(text, "99"),
        requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(g) for g in sock.groups()) if sock else 0,
    )


def _quiet(cmd: list[str]) -> int:
    return subprocess.run(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    ).returncode


def ensure_wrk() -> str:
    """Path to wrk, installing the Debian package when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk not found; installing it with apt-get ...", flush=True)
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if _quiet(install) != 0:
        _quiet(["apt-get", "update", "-q"])
        _quiet(install)
    found = shutil.which("wrk")
    if not found:
        raise HarnessError("wrk is not installed and `apt-get install -y wrk` failed")
    return found


@dataclass
class Load:
    """One wrk invocation: target, shape and request."""

    url: str
    threads: int
    connections: int
    duration_s: int
    method: str = "GET"
    body: str = ""
    auth: str = ""
    bodies: tuple[str, ...] = ()  # taken in turn, one per request, instead of `body`

    def command(self, wrk: str) -> list[str]:
        """The wrk command line."""
        return [
            wrk,
            f"-t{self.threads}",
            f"-c{self.connections}",
            f"-d{self.duration_s}s",
            f"--timeout={WRK_TIMEOUT}",
            "--latency",
            "-s",
            str(LUA),
            self.url,
        ]

    def env(self) -> dict[str, str]:
        """Environment the Lua script reads the request from."""
        return {
            **os.environ,
            "BENCH_METHOD": self.method,
            "BENCH_BODY": self.body,
            "BENCH_AUTH": self.auth,
            "BENCH_BODIES": "\n".join(self.bodies),
        }

    def spawn(self, wrk: str) -> subprocess.Popen[str]:
        """Start wrk in the background."""
        return subprocess.Popen(
            self.command(wrk),
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def collect(self, popen: subprocess.Popen[str]) -> WrkResult:
        """Wait for a spawned wrk and parse what it printed."""
        try:
            out, _ = popen.communicate(timeout=self.duration_s + 30)
        except subprocess.TimeoutExpired:
            os.killpg(popen.pid, signal.SIGKILL)
            raise HarnessError(f"wrk on {self.url} did not finish") from None
        if popen.returncode != 0:
            raise HarnessError(f"wrk on {self.url} exited {popen.returncode}:\n{out}")
        result = parse_wrk(out)
        result.command = " ".join(self.command("wrk")[1:])
        return result

    def run(self, wrk: str) -> WrkResult:
        """Run wrk in the foreground and parse its report."""
        return self.collect(self.spawn(wrk))


# --- the measurements --------------------------------------------------------------------------


@dataclass
class Report:
    """Everything measured, written to var/bench/report.json."""

    started_at: str
    machine: dict[str, Any]
    me_real: WrkResult | None = None
    me_bare: WrkResult | None = None
    login_median_ms: float | None = None
    login_p90_ms: float | None = None
    argon2_median_ms: float | None = None
    argon2_parameters: dict[str, Any] = field(default_factory=dict)
    health_idle: WrkResult | None = None
    health_loaded: WrkResult | None = None
    login_under_load: WrkResult | None = None
    # p99 of every health round, idle and under logins, in the order they ran.
    health_rounds: list[dict[str, float]] = field(default_factory=list)
    shop: ShopReport | None = None  # catalog and orders, see tests/bench/shop.py
    counters: CountersReport | None = None  # hit counters, see tests/bench/counters.py
    switches: list[SwitchReport] = field(default_factory=list)  # see tests/bench/switches.py
    media: MediaReport | None = None  # uploads and downloads on S3, see tests/bench/media.py
    blog: dict[str, Any] | None = None  # GET /posts and the post search, see tests/bench/blog.py
    # The product list over 1k vs --scale products, see tests/bench/catalog_scale.py.
    catalog: dict[str, Any] | None = None
    targets: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


def measure_me(wrk: str, base_real: str, base_bare: str, token: str, report: Report) -> None:
    """GET /me on the real server, then the bare app: same shape, warm-up first."""
    auth = f"Bearer {token}"
    for attr, base in (("me_real", base_real), ("me_bare", base_bare)):
        url = f"{base}/api/v1/me"
        with httpx.Client(timeout=5) as client:
            answer = client.get(url, headers={"Authorization": auth})
        if answer.status_code != 200:
            raise HarnessError(f"GET {url} answered {answer.status_code}: {answer.text[:300]}")
        print(f"  /me {attr[3:]}: warm-up {ME_WARMUP_S}s, measure {ME_DURATION_S}s", flush=True)
        Load(url, ME_THREADS, ME_CONNECTIONS, ME_WARMUP_S, auth=auth).run(wrk)
        result = Load(url, ME_THREADS, ME_CONNECTIONS, ME_DURATION_S, auth=auth).run(wrk)
        setattr(report, attr, result)


def profile_me(wrk: str, real: Proc, base_real: str, token: str) -> None:
    """With BENCH_PROFILE=1: sample the real server under /me load with py-spy (an extra run,
    so sampling never skews the measured one) and print where its time goes."""
    py_spy = shutil.which("py-spy") or shutil.which(str(BIN / "py-spy"))
    if not py_spy:
        print("  BENCH_PROFILE set but py-spy is missing (.venv/bin/pip install py-spy)")
        return
    folded = REPORT.with_name("me-real.folded")
    folded.parent.mkdir(parents=True, exist_ok=True)
    print(f"  profiling /me real for {ME_DURATION_S}s with py-spy -> {folded}", flush=True)
    load = Load(f"{base_real}/api/v1/me", ME_THREADS, ME_CONNECTIONS, ME_DURATION_S)
    load.auth = f"Bearer {token}"
    background = load.spawn(wrk)
    spy = [py_spy, "record", "--pid", str(real.popen.pid), "--duration", str(ME_DURATION_S - 1)]
    spy += ["--rate", "200", "--format", "raw", "--output", str(folded), "--nonblocking"]
    subprocess.run(spy, capture_output=True, check=False)
    load.collect(background)
    if folded.exists():
        print(summarize_profile(folded.read_text()))


def summarize_profile(folded: str, top: int = 25) -> str:
    """Inclusive share of samples per frame, from py-spy's collapsed-stack output."""
    inclusive: dict[str, int] = {}
    total = 0
    for line in folded.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        for frame in set(stack.split(";")):
            inclusive[frame] = inclusive.get(frame, 0) + count
    ranked = sorted(inclusive.items(), key=lambda item: -item[1])
    lines = [f"  {'share':>6}  frame (inclusive, {total} samples)"]
    lines += [f"  {100 * n / max(total, 1):5.1f}%  {frame[:150]}" for frame, n in ranked[:top]]
    return "\n".join(lines)


def _timed(fn: Callable[[], object], samples: int) -> list[float]:
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return times


def _log_in(client: httpx.Client, email: str) -> None:
    """One login with the bench password; anything but 200 is a harness failure."""
    answer = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    if answer.status_code != 200:
        raise HarnessError(f"login answered {answer.status_code}: {answer.text[:300]}")


def measure_login(base: str, dsn: str, email: str, report: Report) -> None:
    """Median of sequential logins vs median of in-process argon2 verifications.

    The two are timed alternately, one login then one verification, so that drift on this
    shared machine (a verification moves by 20% between minutes) reaches both medians alike.
    """
    # Same hash the server verifies, through the adapter the server uses, set as the server
    # sets it by default (no kept buffers).
    import argon2

    from adapters.argon2_hasher import Argon2PasswordHasher
    from entrypoints.settings import Settings

    password_hash = asyncio.run(_fetch_password_hash(dsn, email))
    hasher = Argon2PasswordHasher(reuse_buffers=Settings().password_hash_reuse_buffers)
    params = argon2.extract_parameters(password_hash)
    report.argon2_parameters = {
        "type": params.type.name,
        "time_cost": params.time_cost,
        "memory_cost_kib": params.memory_cost,
        "parallelism": params.parallelism,
    }
    with httpx.Client(base_url=base, timeout=10) as client, asyncio.Runner() as runner:
        login = partial(_log_in, client, email)

        def verify() -> None:
            if not runner.run(hasher.verify(password_hash, PASSWORD)):
                raise HarnessError("argon2 rejected the bench password")

        login()  # warm the connection, the code path and both hashing buffers
        verify()
        logins: list[float] = []
        verifications: list[float] = []
        for _ in range(LOGIN_SAMPLES):
            logins += _timed(login, 1)
            verifications += _timed(verify, 1)
    report.login_median_ms = statistics.median(logins)
    report.login_p90_ms = statistics.quantiles(logins, n=10)[-1]
    report.argon2_median_ms = statistics.median(verifications)


def _wait_until_logins_drained(base: str, email: str, verify_ms: float | None) -> None:
    """Block until the server has worked off the logins wrk left queued when it stopped.

    wrk's connections close at the end of its run, but the server still verifies every
    password it had accepted (20 logins queue ~20 hashes). An "idle" round started then is
    not idle. A login answering within twice one verification means the queue is empty.
    """
    limit_ms = 2 * (verify_ms or 500)
    deadline = time.monotonic() + 120
    with httpx.Client(base_url=base, timeout=60) as client:
        while time.monotonic() < deadline:
            began = time.perf_counter()
            answer = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
            if answer.status_code == 429:
                # The logins still in flight hold their attempts under the client's address.
                time.sleep(0.2)
                continue
            if answer.status_code != 200:
                raise HarnessError(f"login answered {answer.status_code}: {answer.text[:300]}")
            if (time.perf_counter() - began) * 1000 <= limit_ms:
                return
    raise HarnessError("the server did not finish the queued logins within 120 s")


def _median_by_p99(results: list[WrkResult]) -> WrkResult:
    """The run whose p99 is the median of the runs (the lower middle for an even count)."""
    return sorted(results, key=lambda result: result.p99_ms)[(len(results) - 1) // 2]


def seed_login_accounts(base: str, dsn: str, count: int) -> list[str]:
    """Register `count` verified customers for the login load; their emails.

    The load's logins are spread over them: the login limit holds at most five attempts of
    one email and client in flight at once (docs/api.md), and the round should measure the
    loop under hashing, not under fast 429s."""
    emails = [f"bench-load-{n}-{secrets.token_hex(3)}@example.com" for n in range(count)]
    with httpx.Client(base_url=base, timeout=30) as client:
        for email in emails:
            answer = client.post(
                "/api/v1/auth/register", json={"email": email, "password": PASSWORD}
            )
            if answer.status_code != 201:
                raise HarnessError(f"register answered {answer.status_code}: {answer.text[:300]}")

    async def verify() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(
                "UPDATE users SET email_verified = true WHERE email = ANY($1::text[])", emails
            )
        finally:
            await conn.close()

    asyncio.run(verify())
    return emails


def measure_health(
    wrk: str, base: str, health_path: str, email: str, login_emails: list[str], report: Report
) -> None:
    """/health/live p99 idle, then while LOGIN_LOAD_CONNECTIONS logins run continuously,
    alternating HEALTH_ROUNDS times; the median round of each kind is the reported figure.

    One 5 s p99 moves by 2x between identical runs on this machine (other tenants, the
    services it runs); alternating the two conditions and taking medians treats both alike.
    """
    health = Load(f"{base}{health_path}", 1, HEALTH_CONNECTIONS, HEALTH_DURATION_S)
    logins = Load(
        f"{base}/api/v1/auth/login",
        2,
        LOGIN_LOAD_CONNECTIONS,
        HEALTH_DURATION_S + 2 * LOGIN_LOAD_LEAD_S,
        method="POST",
        bodies=tuple(json.dumps({"email": e, "password": PASSWORD}) for e in login_emails),
    )
    health.run(wrk)  # warm-up of the same length is cheap and steadies the idle figure
    idle: list[WrkResult] = []
    loaded: list[WrkResult] = []
    background_logins: list[WrkResult] = []
    for round_number in range(1, HEALTH_ROUNDS + 1):
        print(
            f"  round {round_number}/{HEALTH_ROUNDS}: health idle {HEALTH_DURATION_S}s, then "
            f"under {LOGIN_LOAD_CONNECTIONS} concurrent logins",
            flush=True,
        )
        idle.append(health.run(wrk))
        background = logins.spawn(wrk)
        try:
            time.sleep(LOGIN_LOAD_LEAD_S)  # let the login load saturate first
            loaded.append(health.run(wrk))
        finally:
            background_logins.append(logins.collect(background))
        _wait_until_logins_drained(base, email, report.argon2_median_ms)
    report.health_idle = _median_by_p99(idle)
    report.health_loaded = _median_by_p99(loaded)
    report.login_under_load = background_logins[loaded.index(report.health_loaded)]
    report.health_rounds = [
        {"idle_p99_ms": quiet.p99_ms, "loaded_p99_ms": busy.p99_ms}
        for quiet, busy in zip(idle, loaded, strict=True)
    ]


# --- setup -------------------------------------------------------------------------------------


def server_env(dsn: str, port: int, var_dir: Path) -> dict[str, str]:
    """Environment for `hexashop serve` and the CLI, per the brief."""
    alphabet = string.ascii_letters + string.digits
    return {
        **os.environ,
        "DATABASE_URL": dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        "APP_ENV": "production",
        "JWT_SECRET": "".join(secrets.choice(alphabet) for _ in range(48)),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "MAIL_BACKEND": "folder",
        # Production refuses the sandbox provider; nothing here pays, so Stripe is never called.
        "PAYMENT_PROVIDER": "stripe",
        "STRIPE_API_KEY": "sk_test_bench",
        "STRIPE_WEBHOOK_SECRET": "whsec_bench",
        "STRIPE_API_BASE": "http://127.0.0.1:9",
        "VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        "RUN_WORKER_IN_PROCESS": "true",
        # Off, so /me at -c32 is not refused; tests/bench/switches.py measures it on vs off.
        "RATE_LIMIT_ENABLED": "false",
        # Room for the 20 looping logins of the health rounds: with the default queue (4 per
        # hashing thread) most would be refused at once, and the loop would not be under the
        # hashing load that round is there to measure.
        "PASSWORD_HASH_QUEUE": "32",
    }


def seed_user(base: str, env: dict[str, str]) -> tuple[str, str]:
    """Register a customer over HTTP, verify it with the CLI, log in; return (email, token)."""
    email = f"bench-{secrets.token_hex(4)}@example.com"
    with httpx.Client(base_url=base, timeout=10) as client:
        answer = client.post(
            "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": "Bench"}
        )
        cli = [str(BIN / "hexashop"), "users"]
        if answer.status_code == 201:
            cli += ["verify", email]
        else:
            # Registration refused: fall back to an admin, already verified.
            print(f"  register answered {answer.status_code}; using create-admin", flush=True)
            cli += ["create-admin", "--email", email, "--password", PASSWORD]
        done = subprocess.run(cli, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise HarnessError(f"{' '.join(cli[1:])} failed:\n{done.stdout}{done.stderr}")
        login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        if login.status_code != 200:
            raise HarnessError(f"seed login answered {login.status_code}: {login.text[:300]}")
        return email, str(login.json()["accessToken"])


def jwt_typ(token: str) -> str:
    """The `typ` claim the real server puts in access tokens, so the bare app checks the same."""
    import jwt

    claims = jwt.decode(token, options={"verify_signature": False})
    return str(claims.get("typ", "access"))


# --- report ------------------------------------------------------------------------------------


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def _field(result: WrkResult | None, name: str) -> float | None:
    return None if result is None else float(getattr(result, name))


def evaluate(report: Report) -> None:
    """Fill report.targets: one row per target with value and PASS/MISS."""
    from tests.bench import blog, catalog_scale, counters, media, shop, switches

    rows = [
        (
            "GET /me req/s real / bare",
            _ratio(
                _field(report.me_real, "requests_per_s"), _field(report.me_bare, "requests_per_s")
            ),
            ">=",
            TARGET_ME_RATIO,
        ),
        (
            "login median / argon2 verify median",
            _ratio(report.login_median_ms, report.argon2_median_ms),
            "<=",
            TARGET_LOGIN_RATIO,
        ),
        (
            "health p99 under login load / idle",
            _ratio(_field(report.health_loaded, "p99_ms"), _field(report.health_idle, "p99_ms")),
            "<=",
            TARGET_HEALTH_RATIO,
        ),
        *shop.target_rows(report.shop),
        *counters.target_rows(report.counters),
        *switches.target_rows(report.switches),
        *media.target_rows(report.media),
        *blog.target_rows(report.blog),
        *catalog_scale.target_rows(report.catalog),
    ]
    report.targets = []
    for name, value, op, target in rows:
        if value is None:
            verdict = "n/a"
        elif op == ">=":
            verdict = "PASS" if value >= target else "MISS"
        else:
            verdict = "PASS" if value <= target else "MISS"
        report.targets.append(
            {"target": name, "value": value, "op": op, "goal": target, "result": verdict}
        )


def _fmt(value: float | None, unit: str = "", digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}{unit}"


def render(report: Report) -> str:
    """The human-readable report."""
    from tests.bench import counters, media, shop, switches

    lines = [
        "",
        f"hexashop benchmark  {report.started_at}  "
        f"({report.machine['cpus']} CPUs, {report.machine['python']}, {report.machine['wrk']}, "
        f"load average at start {report.machine['loadavg_at_start'][0]})",
        "",
        f"{'scenario':<44}{'req/s':>10}{'p50':>11}{'p99':>11}{'failed':>9}",
    ]
    scenarios = [
        (f"GET /me real   (-t{ME_THREADS} -c{ME_CONNECTIONS} {ME_DURATION_S}s)", report.me_real),
        (f"GET /me bare   (-t{ME_THREADS} -c{ME_CONNECTIONS} {ME_DURATION_S}s)", report.me_bare),
        (f"GET /health/live idle   (-c{HEALTH_CONNECTIONS}, median)", report.health_idle),
        (
            f"GET /health/live + {LOGIN_LOAD_CONNECTIONS} logins (median)",
            report.health_loaded,
        ),
        (f"POST /auth/login background (-c{LOGIN_LOAD_CONNECTIONS})", report.login_under_load),
        *shop.scenario_rows(report.shop),
        *counters.scenario_rows(report.counters),
        *switches.scenario_rows(report.switches),
    ]
    for label, res in scenarios:
        if res is None:
            lines.append(f"{label:<44}{'-':>10}")
            continue
        lines.append(
            f"{label:<44}{res.requests_per_s:>10.1f}{_fmt(res.p50_ms, ' ms'):>11}"
            f"{_fmt(res.p99_ms, ' ms'):>11}{res.non_2xx + res.socket_errors:>9}"
        )
    p = report.argon2_parameters
    lines += [
        "",
        f"login, {LOGIN_SAMPLES} sequential over HTTP: median {_fmt(report.login_median_ms, ' ms')}"
        f", p90 {_fmt(report.login_p90_ms, ' ms')}",
        f"argon2 verify in-process, {LOGIN_SAMPLES} runs:  median "
        f"{_fmt(report.argon2_median_ms, ' ms')}"
        + (
            f"  ({p['type']}, t={p['time_cost']}, m={p['memory_cost_kib']} KiB,"
            f" p={p['parallelism']})"
            if p
            else ""
        ),
        "health p99 per round, idle / under logins: "
        + ", ".join(
            f"{r['idle_p99_ms']:.2f} / {r['loaded_p99_ms']:.2f} ms" for r in report.health_rounds
        ),
        *shop.summary_lines(report.shop),
        *counters.summary_lines(report.counters),
        *switches.summary_lines(report.switches),
        *media.summary_lines(report.media),
        "",
        f"{'target':<44}{'value':>8}{'goal':>10}   result",
    ]
    for row in report.targets:
        goal = f"{row['op']} {row['goal']}"
        lines.append(f"{row['target']:<44}{_fmt(row['value']):>8}{goal:>10}   {row['result']}")
    load = report.machine["loadavg_at_start"][0]
    if load > 0.5 * (report.machine["cpus"] or 1):
        lines += [
            "",
            f"note: load average was {load} at start on {report.machine['cpus']} CPUs; other "
            "work on the machine makes these numbers noisy, rerun on a quiet machine.",
        ]
    if report.error:
        lines += ["", f"HARNESS ERROR: {report.error}"]
    lines.append(f"\nreport written to {REPORT.relative_to(ROOT)}")
    return "\n".join(lines)


def write_report(report: Report) -> None:
    """Write var/bench/report.json."""
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(asdict(report), indent=2) + "\n")


# --- main --------------------------------------------------------------------------------------


def check_results(report: Report) -> None:
    """A measurement made of failed requests is a harness failure, not a slow result."""
    for name in ("me_real", "me_bare", "health_idle", "health_loaded", "login_under_load"):
        res: WrkResult | None = getattr(report, name)
        if res is not None and res.failed_share > 0.01:
            raise HarnessError(
                f"{name}: {res.non_2xx} non-2xx and {res.socket_errors} socket errors "
                f"out of {res.requests} requests; the numbers would be meaningless"
            )


def run(report: Report) -> None:
    """Set everything up, measure, tear everything down. BENCH_ONLY picks one part: me (GET
    /me, real vs bare), switches (the on/off rounds of tests/bench/switches.py), media (S3
    uploads and downloads, tests/bench/media.py), shop (catalog list and order placement,
    tests/bench/shop.py), counters, blog (GET /posts and post search, tests/bench/blog.py)
    or catalog (the product list over BENCH_SCALE products, tests/bench/catalog_scale.py)."""
    only = os.environ.get("BENCH_ONLY", "")
    if only not in ONLY_CHOICES:
        raise HarnessError(f"BENCH_ONLY={only!r}: one of {', '.join(ONLY_CHOICES[1:])}, or unset")
    wrk = ensure_wrk()
    report.machine["wrk"] = (
        subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
        .stdout.split(" Copyright")[0]
        .strip()
        or "wrk"
    )
    if not (BIN / "hexashop").exists():
        raise HarnessError(f"{BIN / 'hexashop'} not found; install the project into the venv")
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hexashop-bench-")))
        print("creating a throwaway database ...", flush=True)
        dsn = stack.enter_context(throwaway_database())
        real_port, bare_port = free_port(), free_port()
        env = server_env(dsn, real_port, tmp / "var")
        print("starting hexashop serve ...", flush=True)
        # BENCH_SERVER_CMD lets an experiment run a patched server (e.g. another pool size).
        server_cmd = os.environ.get("BENCH_SERVER_CMD", f"{BIN / 'hexashop'} serve").split()
        real = start("real", server_cmd, env, tmp)
        stack.callback(real.stop)
        base_real = f"http://127.0.0.1:{real_port}"
        health_path = wait_until_up(real, base_real, ["/health/live", "/api/v1/health/live"])

        email, token = seed_user(base_real, env)
        bare_env = {
            **os.environ,
            "BENCH_DSN": dsn,
            "JWT_SECRET": env["JWT_SECRET"],
            "BENCH_JWT_TYP": jwt_typ(token),
            # The real engine's pool keeps DB_POOL_SIZE (30) open and opens up to 10 more per
            # use (adapters/sqlalchemy/database.py); the bare pool keeps its 30 open.
            "BENCH_POOL_MIN": "30",
            "BENCH_POOL_MAX": "30",
            "HOST": "127.0.0.1",
            "PORT": str(bare_port),
            "LOG_LEVEL": "WARNING",
        }
        print("starting the bare app ...", flush=True)
        bare = start("bare", [sys.executable, "-m", "tests.bench.bare_app"], bare_env, tmp)
        stack.callback(bare.stop)
        base_bare = f"http://127.0.0.1:{bare_port}"
        _wait_bare(bare, base_bare, token)

        from tests.bench import blog, catalog_scale, counters, media, shop, switches

        if only in ("", "me"):
            print("measuring GET /me ...", flush=True)
            measure_me(wrk, base_real, base_bare, token, report)
            if os.environ.get("BENCH_PROFILE"):
                profile_me(wrk, real, base_real, token)
        bare.stop()  # it must not share the CPU with the remaining measurements
        if not only:
            print("measuring login ...", flush=True)
            measure_login(base_real, dsn, email, report)
            print("measuring /health/live ...", flush=True)
            login_emails = seed_login_accounts(base_real, dsn, LOGIN_LOAD_CONNECTIONS)
            measure_health(wrk, base_real, health_path, email, login_emails, report)
        if only in ("", "shop"):
            shop.measure(wrk, tmp, dsn, env, bare_env, base_real, token, report, real.popen.pid)
        if only in ("", "counters"):
            counters.measure(wrk, tmp, dsn, env, bare_env, base_real, report)
        if only in ("", "switches"):
            switches.measure(wrk, tmp, server_cmd, env, token, report)
        if only in ("", "media"):
            media.measure(tmp, server_cmd, env, email, report)
        if only in ("", "blog"):
            report.blog = blog.measure()
        if only in ("", "catalog"):
            scale = int(os.environ.get("BENCH_SCALE", catalog_scale.DEFAULT_SCALE))
            print(f"measuring the product list over {scale:,} vs 1,000 products ...", flush=True)
            report.catalog = asyncio.run(catalog_scale.main(scale))
            catalog_scale.print_report(report.catalog)
        check_results(report)
        print("stopping processes and dropping the database ...", flush=True)


def _wait_bare(bare: Proc, base: str, token: str, timeout: float = 30) -> None:
    """Wait until the bare app answers an authenticated /me with 200."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base, timeout=2) as client:
        while time.monotonic() < deadline:
            if bare.popen.poll() is not None:
                raise HarnessError(f"bare app exited during startup:\n{bare.tail()}")
            try:
                answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
                if answer.status_code == 200:
                    return
                if answer.status_code != 503:
                    raise HarnessError(f"bare /me answered {answer.status_code}: {answer.text}")
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise HarnessError(f"bare app did not come up within {timeout}s:\n{bare.tail()}")


def main() -> int:
    """Entry point of `make bench` (`python -m tests.bench.run [--only me|shop|counters|...]`)."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.run")
    parser.add_argument("--only", choices=ONLY_CHOICES[1:], help="run only this part")
    parser.add_argument(
        "--scale", type=int, help="products generated for the catalog at scale (1,000,000)"
    )
    args = parser.parse_args()
    if args.only:
        os.environ["BENCH_ONLY"] = args.only
    if args.scale:
        os.environ["BENCH_SCALE"] = str(args.scale)
    report = Report(
        started_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        machine={
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "wrk": "wrk",
            # Other work on the machine skews every number; the load average shows it.
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        },
    )
    began = time.monotonic()
    code = 0
    try:
        run(report)
    except HarnessError as exc:
        report.error = str(exc)
        code = 1
    except Exception as exc:  # a bug in the harness: show where
        report.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
        code = 1
    except KeyboardInterrupt:
        report.error = "interrupted"
        code = 130
    evaluate(report)
    report.machine["runtime_s"] = round(time.monotonic() - began, 1)
    write_report(report)
    print(render(report))
    print(f"total runtime {report.machine['runtime_s']} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
