"""Contract of the PasswordHasher port, held by the fast fake and argon2id."""

from __future__ import annotations

import asyncio
import os
import threading

import pytest
from argon2 import PasswordHasher as Argon2Cffi
from argon2 import Type

from adapters import argon2_core
from adapters.argon2_core import raw_hash, thread_buffers
from adapters.argon2_hasher import HASHING_NICENESS, Argon2PasswordHasher
from application.accounts.ports import PasswordHasher
from tests.support.fakes import FastPasswordHasher

PASSWORD = "Correct-Horse-9"


@pytest.fixture(params=["fast", "argon2"])
def hasher(request: pytest.FixtureRequest) -> PasswordHasher:
    """One hasher under the contract; argon2 with cheap parameters to keep tests fast."""
    if request.param == "fast":
        return FastPasswordHasher()
    return Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


async def test_hash_does_not_contain_the_password(hasher: PasswordHasher) -> None:
    password_hash = await hasher.hash(PASSWORD)

    assert password_hash != PASSWORD
    assert PASSWORD not in password_hash


async def test_right_password_verifies(hasher: PasswordHasher) -> None:
    password_hash = await hasher.hash(PASSWORD)

    assert await hasher.verify(password_hash, PASSWORD) is True


async def test_wrong_password_does_not_verify(hasher: PasswordHasher) -> None:
    password_hash = await hasher.hash(PASSWORD)

    assert await hasher.verify(password_hash, "Wrong-Horse-9") is False


async def test_unknown_user_never_verifies(hasher: PasswordHasher) -> None:
    assert await hasher.verify(None, PASSWORD) is False
    assert await hasher.verify(None, "") is False


@pytest.mark.parametrize(
    "corrupt",
    ["", "not-a-hash", "$argon2id$v=19$m=1024,t=1,p=1$garbage", "fake$$", "$$$$$$"],
)
async def test_corrupt_hash_does_not_verify_and_does_not_raise(
    hasher: PasswordHasher, corrupt: str
) -> None:
    assert await hasher.verify(corrupt, PASSWORD) is False


async def test_argon2_hashes_are_argon2id_with_the_given_parameters() -> None:
    hasher = Argon2PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)

    password_hash = await hasher.hash(PASSWORD)

    assert password_hash.startswith("$argon2id$v=19$m=2048,t=2,p=1$")


async def test_argon2_salts_every_hash() -> None:
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

    first, second = await hasher.hash(PASSWORD), await hasher.hash(PASSWORD)

    assert first != second


async def test_argon2_with_default_parameters_leaves_the_event_loop_free() -> None:
    hasher = Argon2PasswordHasher()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticking = asyncio.create_task(ticker())
    password_hash = await hasher.hash(PASSWORD)
    verified = await hasher.verify(password_hash, PASSWORD)
    unknown = await hasher.verify(None, PASSWORD)
    ticking.cancel()

    # Run on the loop, each call would have allowed the ticker at most one step.
    assert (verified, unknown) == (True, False)
    assert ticks > 10


@pytest.mark.parametrize(("priority", "policy"), [("idle", os.SCHED_IDLE), ("low", os.SCHED_OTHER)])
async def test_argon2_hashing_threads_yield_the_cpu_to_the_event_loop(
    priority: str, policy: int
) -> None:
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, priority=priority)
    loop_nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    hashing_nice, hashing_policy = await hasher._run(
        lambda: (
            os.getpriority(os.PRIO_PROCESS, threading.get_native_id()),
            os.sched_getscheduler(0),
        )
    )

    assert hashing_nice == min(19, loop_nice + HASHING_NICENESS)
    assert hashing_policy == policy
    assert os.sched_getscheduler(0) == os.SCHED_OTHER  # the caller's thread is untouched


async def test_hashing_threads_keep_to_the_cpus_they_are_given() -> None:
    allowed = os.sched_getaffinity(0)
    chosen = {max(allowed)}
    pinned = Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, cpus=chosen)
    free = Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

    assert await pinned._run(lambda: os.sched_getaffinity(0)) == chosen
    assert await free._run(lambda: os.sched_getaffinity(0)) == allowed
    assert os.sched_getaffinity(0) == allowed  # the caller's thread is untouched
    assert await pinned.verify(await pinned.hash(PASSWORD), PASSWORD)


def test_an_empty_cpu_set_for_hashing_is_refused() -> None:
    with pytest.raises(ValueError, match="cpus"):
        Argon2PasswordHasher(cpus=set())


def test_an_unknown_hashing_priority_is_refused() -> None:
    with pytest.raises(ValueError, match="priority"):
        Argon2PasswordHasher(priority="realtime")


async def test_each_hashing_thread_reuses_one_working_buffer_and_grows_it_on_demand() -> None:
    small = Argon2PasswordHasher(
        time_cost=1, memory_cost=1024, parallelism=1, max_concurrent=1, reuse_buffers=True
    )
    password_hash = await small.hash("first")

    def hash_twice_then_bigger() -> tuple[int, int, int]:
        buffers = []
        for memory_cost in (1024, 1024, 2048):
            tag = raw_hash(b"pw", b"0123456789abcdef", Type.ID, 19, 1, memory_cost, 1, 32)
            assert tag is not None
            buffers.append(thread_buffers.buffer)
        assert buffers[0] is buffers[1] and buffers[2] is not buffers[1]
        return len(buffers[0]), len(buffers[1]), len(buffers[2])

    sizes = await small._run(hash_twice_then_bigger)

    assert sizes == (1024 * 1024, 1024 * 1024, 2048 * 1024)
    # Reused memory changes nothing: argon2-cffi agrees with every hash made in it.
    assert await small.verify(password_hash, "first")
    assert Argon2Cffi().verify(password_hash, "first")


@pytest.mark.parametrize("parallelism", [1, 4])
async def test_argon2_hashes_interoperate_with_argon2_cffi_both_ways(parallelism: int) -> None:
    # We compute argon2 on one thread per hash; the tag must be the one argon2-cffi computes
    # with a thread per lane, or stored hashes would stop verifying.
    reference = Argon2Cffi(time_cost=1, memory_cost=1024, parallelism=parallelism)
    ours = Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=parallelism)

    assert await ours.verify(reference.hash("Secret123"), "Secret123")
    assert not await ours.verify(reference.hash("Secret123"), "Secret124")
    assert reference.verify(await ours.hash("Secret123"), "Secret123")


async def test_argon2_falls_back_to_malloc_where_cffi_callbacks_are_forbidden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def forbidden(*_: object, **__: object) -> None:
        raise MemoryError("Cannot allocate write+execute memory for ffi.callback()")

    allocate, keep = argon2_core.memory_callbacks(forbidden)
    monkeypatch.setattr(argon2_core, "_allocate", allocate)
    monkeypatch.setattr(argon2_core, "_keep", keep)
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, reuse_buffers=True)

    password_hash = await hasher.hash(PASSWORD)

    assert allocate == argon2_core.ffi.NULL and keep == argon2_core.ffi.NULL
    assert await hasher.verify(password_hash, PASSWORD)
    assert Argon2Cffi().verify(password_hash, PASSWORD)


async def test_by_default_hashing_threads_keep_no_working_buffer() -> None:
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, max_concurrent=1)

    password_hash = await hasher.hash(PASSWORD)
    kept = await hasher._run(lambda: getattr(thread_buffers, "buffer", None))

    assert hasher.reuse_buffers is False
    assert kept is None
    assert await hasher.verify(password_hash, PASSWORD)
    assert not await hasher.verify(password_hash, "wrong")
    assert Argon2Cffi().verify(password_hash, PASSWORD)
