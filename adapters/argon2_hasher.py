"""Argon2id password hashing (argon2-cffi), run in worker threads off the event loop."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar

from argon2 import PasswordHasher, Type
from argon2.exceptions import VerificationError

# argon2-cffi's defaults are RFC 9106's "low memory" profile: 3 passes over 64 MiB, 4 lanes.
DEFAULT_TIME_COST = 3
DEFAULT_MEMORY_COST = 64 * 1024  # KiB
DEFAULT_PARALLELISM = 4

# At most this many hashes run at once, on threads of their own. Each one holds `memory_cost`
# KiB and keeps cores busy, so a burst of logins queues here instead of taking threads that
# database drivers, boto3 and file I/O need, and instead of allocating 64 MiB per request.
DEFAULT_MAX_CONCURRENT_HASHES = 2

# Hashing threads run at a lower CPU priority (a nice increment; argon2's own lane threads
# inherit it). Under a login burst the event loop then still gets the CPU first, so health
# checks and cheap requests keep their latency while logins queue.
HASHING_NICENESS = 10

T = TypeVar("T")


def _lower_thread_priority() -> None:
    # On Linux, nice values are per thread; elsewhere this is best effort.
    try:
        thread = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(19, current + HASHING_NICENESS))
    except (AttributeError, OSError):
        pass


_DUMMY_PASSWORD = "hexashop-dummy-password-for-timing"


class Argon2PasswordHasher:
    """Salted argon2id hashes; hashing and verifying run in a bounded set of worker threads."""

    def __init__(
        self,
        time_cost: int = DEFAULT_TIME_COST,
        memory_cost: int = DEFAULT_MEMORY_COST,
        parallelism: int = DEFAULT_PARALLELISM,
        max_concurrent: int = DEFAULT_MAX_CONCURRENT_HASHES,
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID
        )
        # Threads start on first use (the executor is loop-independent, so one hasher serves
        # any event loop); the bounded pool is the concurrency limit.
        self._executor = ThreadPoolExecutor(
            max_workers=max_concurrent,
            thread_name_prefix="argon2",
            initializer=_lower_thread_priority,
        )
        self._dummy_hash: str | None = None
        self._dummy_lock = threading.Lock()

    async def _run(self, work: Callable[[], T]) -> T:
        return await asyncio.wrap_future(self._executor.submit(work))

    async def hash(self, password: str) -> str:
        """Hash a password for storage (argon2id, random salt)."""
        return await self._run(partial(self._hasher.hash, password))

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """True when the password matches; unknown users and corrupt hashes give False."""
        return await self._run(partial(self._verify_blocking, password_hash, password))

    def _verify_blocking(self, password_hash: str | None, password: str) -> bool:
        if password_hash is None:
            # Spend the same work as a real check so response times don't reveal unknown emails.
            self._check(self._dummy(), password)
            return False
        return self._check(password_hash, password)

    def _check(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, ValueError):
            # Mismatch, or a hash argon2 cannot parse (InvalidHashError is a ValueError).
            return False

    def _dummy(self) -> str:
        with self._dummy_lock:
            if self._dummy_hash is None:
                self._dummy_hash = self._hasher.hash(_DUMMY_PASSWORD)
            return self._dummy_hash
