"""argon2 computed on the calling thread, in a working buffer the thread keeps.

The hashing threads (argon2_hasher.py) call `raw_hash`; argon2-cffi's own functions would
start a thread per lane and allocate the working memory afresh on every hash.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from typing import Any

from argon2 import Type
from argon2.low_level import core, ffi

# From argon2.h: success, and no flags (don't wipe the caller's password or secret buffers).
_ARGON2_OK = 0
_ARGON2_DEFAULT_FLAGS = 0
_ARGON2_MEMORY_ALLOCATION_ERROR = -22

# argon2 asks for its working memory (`memory_cost` KiB) on every hash. From malloc, 64 MiB is
# a fresh mapping that the kernel zero-fills page by page and unmaps afterwards, which costs
# the whole process (page faults, TLB shootdowns) on every login. Each hashing thread keeps
# one buffer instead; argon2 still wipes it after every hash, before "freeing" it.
thread_buffers = threading.local()


def _thread_buffer(memory: Any, size: int) -> int:
    buffer = getattr(thread_buffers, "buffer", None)
    if buffer is None or len(buffer) < size:
        buffer = thread_buffers.buffer = ffi.new("uint8_t[]", size)
    memory[0] = buffer
    return _ARGON2_OK


def _keep_buffer(memory: Any, size: int) -> None:
    pass  # it stays with its thread for the next hash


def memory_callbacks(make_callback: Callable[..., Any] = ffi.callback) -> tuple[Any, Any]:
    """C callbacks argon2 calls instead of malloc and free (an exception allocates nothing),
    or NULLs, so argon2 uses malloc, where the system forbids the executable memory cffi
    callbacks need (e.g. SELinux deny_execmem): slower hashing beats failing to start."""
    try:
        allocate = make_callback(
            "allocate_fptr", _thread_buffer, error=_ARGON2_MEMORY_ALLOCATION_ERROR
        )
        keep = make_callback("deallocate_fptr", _keep_buffer)
    except MemoryError:
        return ffi.NULL, ffi.NULL
    return allocate, keep


_allocate, _keep = memory_callbacks()


def b64(data: bytes) -> str:
    # PHC string format: standard alphabet, no padding.
    return base64.b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def raw_hash(
    password: bytes,
    salt: bytes,
    kind: Type,
    version: int,
    time_cost: int,
    memory_cost: int,
    lanes: int,
    hash_len: int,
    reuse_buffers: bool = True,
) -> bytes | None:
    """The raw argon2 tag computed on the calling thread; None when argon2 refuses the inputs.

    With `reuse_buffers` the working memory is the calling thread's kept buffer; without it,
    argon2 allocates and frees its own on every hash (malloc).

    argon2_hash and argon2_verify start `lanes` fresh threads per slice (48 for the defaults).
    Each new thread enters the scheduler with a fresh time slice, which a nice value cannot
    hold back, so they kept preempting the event loop for milliseconds at a time. Lanes are a
    property of the hash, threads only of the computation: one thread gives the same tag.
    """
    out = ffi.new("uint8_t[]", hash_len)
    pwd = ffi.new("uint8_t[]", password)
    salt_buf = ffi.new("uint8_t[]", salt)
    context = ffi.new(
        "argon2_context *",
        {
            "out": out,
            "outlen": hash_len,
            "pwd": pwd,
            "pwdlen": len(password),
            "salt": salt_buf,
            "saltlen": len(salt),
            "secret": ffi.NULL,
            "secretlen": 0,
            "ad": ffi.NULL,
            "adlen": 0,
            "t_cost": time_cost,
            "m_cost": memory_cost,
            "lanes": lanes,
            "threads": 1,
            "version": version,
            "allocate_cbk": _allocate if reuse_buffers else ffi.NULL,
            "free_cbk": _keep if reuse_buffers else ffi.NULL,
            "flags": _ARGON2_DEFAULT_FLAGS,
        },
    )
    if core(context, kind.value) != _ARGON2_OK:
        return None
    return bytes(ffi.buffer(out, hash_len))
