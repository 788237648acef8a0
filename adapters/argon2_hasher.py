"""Argon2id password hashing (argon2-cffi), run in worker threads off the event loop."""

from __future__ import annotations

import asyncio
import binascii
import contextlib
import hmac
import os
import threading
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import VerificationError
from argon2.low_level import ARGON2_VERSION

from adapters.argon2_core import b64, raw_hash, unb64
from domain.errors import RateLimited

# argon2-cffi's defaults are RFC 9106's "low memory" profile: 3 passes over 64 MiB, 4 lanes.
DEFAULT_TIME_COST = 3
DEFAULT_MEMORY_COST = 64 * 1024  # KiB
DEFAULT_PARALLELISM = 4
SALT_LENGTH = 16  # bytes, as argon2-cffi
HASH_LENGTH = 32  # bytes, as argon2-cffi

# At most this many hashes run at once, on threads of their own. Each one holds `memory_cost`
# KiB and keeps cores busy, so a burst of logins queues here instead of taking threads that
# database drivers, boto3 and file I/O need, and instead of allocating 64 MiB per request.
# The service sets it from PASSWORD_HASH_THREADS (all cores but one, at most 4, by default).
DEFAULT_MAX_CONCURRENT_HASHES = 2

# Hashing threads run at a lower CPU priority, so under a login burst the event loop still
# gets the CPU first and health checks and cheap requests keep their latency while logins
# queue. "low" is a nice increment: hashing still takes about a tenth of a contended core.
# "idle" (the default) is Linux's SCHED_IDLE: hashing runs only on CPU time nothing else
# wants, which halved the /health p99 penalty of a login burst in `make bench`; the price is
# that on a machine saturated by other work logins wait until it is not.
HASHING_NICENESS = 10
PRIORITIES = ("idle", "low")

# Hashing threads may also be kept to some CPUs (the service keeps one free by default). At a
# low priority hashing yields the CPU, but not the caches: left free to run anywhere, a hash
# follows idle time from core to core and streams its 64 MiB through each core's L2 in turn,
# so the event loop keeps landing on a core argon2 has just flushed. Kept off one core, the
# /health p99 under 20 concurrent logins measured 1.0-1.15x idle in `make bench`, against
# 1.0-2.9x (median about 1.9) before.

# Hashes admitted at once (running or waiting for a thread), per hashing thread, unless set
# (PASSWORD_HASH_QUEUE). Beyond it a hash is refused at once with RateLimited (429 with
# Retry-After) rather than queued: a queue without bound lets 30 logins for unknown emails
# make a real customer's login wait for seconds.
DEFAULT_QUEUE_PER_THREAD = 4
QUEUE_FULL_RETRY_AFTER_SECONDS = 1

T = TypeVar("T")


def _prepare_hashing_thread(priority: str, cpus: frozenset[int] | None) -> None:
    # On Linux, nice values, scheduling policies and CPU affinity are per thread; elsewhere
    # this is best effort and hashing runs at normal priority, anywhere. Settings checked the
    # CPUs at start-up; if they went away since, hashing runs wherever it may.
    with contextlib.suppress(AttributeError, OSError):
        thread = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(19, current + HASHING_NICENESS))
        if priority == "idle":
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    if cpus is not None:
        with contextlib.suppress(AttributeError, OSError):
            os.sched_setaffinity(0, cpus)


_DUMMY_PASSWORD = "hexashop-dummy-password-for-timing"
_TYPE_NAMES = {"argon2id": Type.ID, "argon2i": Type.I, "argon2d": Type.D}


class Argon2PasswordHasher:
    """Salted argon2id hashes; hashing and verifying run in a bounded set of worker threads."""

    def __init__(
        self,
        time_cost: int = DEFAULT_TIME_COST,
        memory_cost: int = DEFAULT_MEMORY_COST,
        parallelism: int = DEFAULT_PARALLELISM,
        max_concurrent: int = DEFAULT_MAX_CONCURRENT_HASHES,
        priority: str = "idle",
        cpus: Collection[int] | None = None,
        max_queued: int | None = None,
        reuse_buffers: bool = False,
    ) -> None:
        max_queued = max_concurrent * DEFAULT_QUEUE_PER_THREAD if max_queued is None else max_queued
        if max_queued < max_concurrent:
            raise ValueError("max_queued must be at least max_concurrent")
        if priority not in PRIORITIES:
            raise ValueError(f"priority must be one of {PRIORITIES}, got {priority!r}")
        if cpus is not None and not cpus:
            raise ValueError("cpus must name at least one CPU (or be None for any CPU)")
        # argon2-cffi validates the parameters and verifies hashes we cannot parse ourselves.
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID
        )
        self._time_cost = time_cost
        self._memory_cost = memory_cost
        self._parallelism = parallelism
        # Each hashing thread keeps its `memory_cost` KiB buffer for the life of the process
        # (argon2_core.py); without reuse, argon2 maps and unmaps one per hash.
        self._reuse_buffers = reuse_buffers
        self._cpus = None if cpus is None else frozenset(cpus)
        # Threads start on first use (the executor is loop-independent, so one hasher serves
        # any event loop); the bounded pool is the concurrency limit.
        self._executor = ThreadPoolExecutor(
            max_workers=max_concurrent,
            thread_name_prefix="argon2",
            initializer=_prepare_hashing_thread,
            initargs=(priority, self._cpus),
        )
        self._max_concurrent = max_concurrent
        self._max_queued = max_queued
        self._admitted = 0
        self._admitted_lock = threading.Lock()
        self._priority = priority
        self._dummy_hash: str | None = None
        self._dummy_lock = threading.Lock()

    @property
    def priority(self) -> str:
        """The hashing threads' CPU priority: "idle" (SCHED_IDLE) or "low" (nice +10)."""
        return self._priority

    @property
    def cpus(self) -> frozenset[int] | None:
        """The CPUs hashing threads are kept to; None when they may run on any."""
        return self._cpus

    @property
    def reuse_buffers(self) -> bool:
        """True when each hashing thread keeps its working buffer between hashes."""
        return self._reuse_buffers

    @property
    def max_concurrent(self) -> int:
        """How many hashes run at once at most (the size of the hashing thread pool)."""
        return self._max_concurrent

    @property
    def max_queued(self) -> int:
        """How many hashes may be running or waiting at once before new ones are refused."""
        return self._max_queued

    async def _run(self, work: Callable[[], T]) -> T:
        # Counted under a lock: one hasher may serve several event loops (threads).
        with self._admitted_lock:
            if self._admitted >= self._max_queued:
                raise RateLimited(
                    QUEUE_FULL_RETRY_AFTER_SECONDS, "Too many sign-in attempts at once, retry soon"
                )
            self._admitted += 1
        try:
            future = self._executor.submit(work)
        except BaseException:
            self._release_slot()
            raise
        # Released when the hash really ends, even if the awaiting request is cancelled.
        future.add_done_callback(lambda _: self._release_slot())
        return await asyncio.wrap_future(future)

    def _release_slot(self) -> None:
        with self._admitted_lock:
            self._admitted -= 1

    async def hash(self, password: str) -> str:
        """Hash a password for storage (argon2id, random salt)."""
        return await self._run(partial(self._hash_blocking, password))

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """True when the password matches; unknown users and corrupt hashes give False."""
        return await self._run(partial(self._verify_blocking, password_hash, password))

    def _hash_blocking(self, password: str) -> str:
        salt = os.urandom(SALT_LENGTH)
        tag = raw_hash(
            password.encode(),
            salt,
            Type.ID,
            ARGON2_VERSION,
            self._time_cost,
            self._memory_cost,
            self._parallelism,
            HASH_LENGTH,
            self._reuse_buffers,
        )
        if tag is None:  # only for parameters argon2 refuses: let argon2-cffi raise its error
            return self._hasher.hash(password)
        return (
            f"$argon2id$v={ARGON2_VERSION}$m={self._memory_cost},t={self._time_cost},"
            f"p={self._parallelism}${b64(salt)}${b64(tag)}"
        )

    def _verify_blocking(self, password_hash: str | None, password: str) -> bool:
        if password_hash is None:
            # Spend the same work as a real check so response times don't reveal unknown emails.
            self._check(self._dummy(), password)
            return False
        return self._check(password_hash, password)

    def _check(self, password_hash: str, password: str) -> bool:
        try:
            params = extract_parameters(password_hash)
            _, name, _, _, salt, tag = password_hash.split("$")
            expected = unb64(tag)
            computed = raw_hash(
                password.encode(),
                unb64(salt),
                _TYPE_NAMES[name],
                params.version,
                params.time_cost,
                params.memory_cost,
                params.parallelism,
                len(expected),
                self._reuse_buffers,
            )
        except (ValueError, KeyError, binascii.Error):
            # Not the canonical $type$v=..$m=..,t=..,p=..$salt$tag form (or a corrupt one):
            # argon2-cffi decides, with its own threads.
            return self._check_with_argon2_cffi(password_hash, password)
        return computed is not None and hmac.compare_digest(computed, expected)

    def _check_with_argon2_cffi(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, ValueError):
            # Mismatch, or a hash argon2 cannot parse (InvalidHashError is a ValueError).
            return False

    def _dummy(self) -> str:
        with self._dummy_lock:
            if self._dummy_hash is None:
                self._dummy_hash = self._hash_blocking(_DUMMY_PASSWORD)
            return self._dummy_hash
