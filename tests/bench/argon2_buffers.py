"""`python -m tests.bench.argon2_buffers`: what PASSWORD_HASH_REUSE_BUFFERS buys and costs.

For each setting, in a fresh process: hashes per second through the real hasher with its
default threads busy (a login burst), then the process's RSS once the burst is over (what an
idle server keeps). Each setting runs in its own process so one cannot leave memory to the
other. A report, not a test.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time

from adapters.argon2_hasher import DEFAULT_MAX_CONCURRENT_HASHES, Argon2PasswordHasher

HASHES = 24
ROUNDS = 3


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


async def _measure(reuse: bool) -> dict[str, float]:
    hasher = Argon2PasswordHasher(reuse_buffers=reuse, max_queued=HASHES)
    await hasher.hash("warm-up password")  # threads and, with reuse, a first buffer
    rates = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        await asyncio.gather(*(hasher.hash(f"password {n}") for n in range(HASHES)))
        rates.append(HASHES / (time.perf_counter() - began))
    await asyncio.sleep(0.5)  # the burst is over: what stays mapped now stays while idle
    return {"hashes_per_s": sorted(rates)[ROUNDS // 2], "idle_rss_mib": _rss_mib()}


def main() -> None:
    """Run both settings in child processes and print their figures side by side."""
    if len(sys.argv) == 2:
        print(json.dumps(asyncio.run(_measure(sys.argv[1] == "reuse"))))
        return
    print(f"{HASHES} hashes x {ROUNDS} rounds, {DEFAULT_MAX_CONCURRENT_HASHES} hashing threads")
    for mode in ("reuse", "fresh"):
        child = [sys.executable, "-m", "tests.bench.argon2_buffers", mode]
        figures = json.loads(subprocess.run(child, capture_output=True, check=True).stdout)
        print(
            f"  {mode:5}: {figures['hashes_per_s']:.1f} hashes/s, "
            f"idle RSS after the burst {figures['idle_rss_mib']:.0f} MiB"
        )


if __name__ == "__main__":
    main()
