"""Argon2id password hashing (argon2-cffi), run in worker threads off the event loop."""

from __future__ import annotations

import threading
from functools import partial

import anyio
import anyio.to_thread
from argon2 import PasswordHasher, Type
from argon2.exceptions import VerificationError

# argon2-cffi's defaults are RFC 9106's "low memory" profile: 3 passes over 64 MiB, 4 lanes.
DEFAULT_TIME_COST = 3
DEFAULT_MEMORY_COST = 64 * 1024  # KiB
DEFAULT_PARALLELISM = 4

# At most this many hashes run at once. Each one holds `memory_cost` KiB and keeps a core busy,
# so a burst of logins queues here instead of taking every thread of anyio's default pool
# (40 tokens) that database drivers, boto3 and file I/O also need, and instead of allocating
# 64 MiB per concurrent request.
DEFAULT_MAX_CONCURRENT_HASHES = 4

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
        self._max_concurrent = max_concurrent
        # Created on first use, inside a running event loop, rather than at import/wiring time.
        self._limiter: anyio.CapacityLimiter | None = None
        self._dummy_hash: str | None = None
        self._dummy_lock = threading.Lock()

    def _capacity(self) -> anyio.CapacityLimiter:
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self._max_concurrent)
        return self._limiter

    async def hash(self, password: str) -> str:
        """Hash a password for storage (argon2id, random salt)."""
        return await anyio.to_thread.run_sync(
            partial(self._hasher.hash, password), limiter=self._capacity()
        )

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """True when the password matches; unknown users and corrupt hashes give False."""
        return await anyio.to_thread.run_sync(
            partial(self._verify_blocking, password_hash, password), limiter=self._capacity()
        )

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
