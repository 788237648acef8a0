"""Cold and warm invocation times of the Lambda API handler, in a fresh interpreter.

`.venv/bin/python -m tests.bench.lambda_start` imports the handler module, invokes it once
(the container, app and loop are built, the database pool opened: a cold start after the
runtime's own init) and then WARM times more, on a migrated SQLite file under a temporary
folder, with API Gateway's HTTP API event shape. It prints milliseconds; figures depend on the
machine, so nothing asserts on them.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WARM = 200

_CHILD = """
import json, os, sys, time
started = time.perf_counter()
from entrypoints import lambda_handler
from tests.support.lambda_events import LambdaContext, http_api_event
imported = time.perf_counter()
event = http_api_event("GET", "/api/v1/products", query="limit=5")
context = LambdaContext()
answer = lambda_handler.handler(event, context)
first = time.perf_counter()
assert answer["statusCode"] == 200, answer
warm = []
for _ in range(int(sys.argv[1])):
    before = time.perf_counter()
    assert lambda_handler.handler(event, context)["statusCode"] == 200
    warm.append(time.perf_counter() - before)
print(json.dumps({"import": imported - started, "first": first - imported, "warm": warm}))
"""


def main() -> None:
    """Run the measurement in a child interpreter (nothing imported yet) and print it.

    With `--artifact DIR` (what `make build-ApiFunction ARTIFACTS_DIR=DIR` built), the child
    runs the base interpreter on that folder alone, as Lambda does, bytecode included.
    """
    import json

    from adapters.sqlalchemy.migrate import upgrade_database

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        url = f"sqlite+aiosqlite:///{database}"
        upgrade_database(url)
        env = {
            **os.environ,
            "APP_ENV": "test",
            "DATABASE_URL": url,
            "JWT_SECRET": "bench-secret-0123456789abcdef0123456789",
            "VAR_DIR": str(Path(folder) / "var"),
            "RUN_WORKER_IN_PROCESS": "false",
            "RATE_LIMIT_ENABLED": "false",
            "LOG_LEVEL": "WARNING",
        }
        command = [sys.executable, "-c", _CHILD, str(WARM)]
        if "--artifact" in sys.argv:
            artifact = sys.argv[sys.argv.index("--artifact") + 1]
            # The built folder first; the checkout after it only for tests.support.
            env["PYTHONPATH"] = f"{artifact}{os.pathsep}{Path.cwd()}"
            command = [sys._base_executable, "-s", "-c", _CHILD, str(WARM)]
        out = subprocess.run(
            command,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    warm = sorted(figures["warm"])
    print(f"import of entrypoints.lambda_handler: {figures['import'] * 1000:.0f} ms")
    print(f"first invocation (runtime built):     {figures['first'] * 1000:.0f} ms")
    print(
        f"warm invocation, GET /api/v1/products ({WARM}): median "
        f"{statistics.median(warm) * 1000:.2f} ms, p95 {warm[int(len(warm) * 0.95)] * 1000:.2f} ms"
    )


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"(measured in {time.perf_counter() - started:.1f} s)")
