"""Reserving attempts under rate limits before the work they guard, shared by the use cases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from application.accounts.ports import AccountsUnitOfWork
from domain.accounts import AttemptLimit
from domain.errors import RateLimited


async def reserve_attempts(
    uow: AccountsUnitOfWork, limits: Sequence[tuple[str, AttemptLimit]], now: datetime
) -> list[int]:
    """Reserve one attempt under each key, in order, or raise RateLimited for the first full
    one. The caller commits; when this raises, leaving the unit of work undoes the earlier
    reservations, so a refused request counts against no key."""
    reserved = []
    for key, limit in limits:
        since = now - limit.window
        attempt = await uow.login_attempts.try_reserve(key, now, since, limit.max_attempts)
        if attempt is None:
            counted = await uow.login_attempts.failures_since(key, since)
            raise RateLimited(limit.retry_after(counted, now))
        reserved.append(attempt)
    return reserved


async def try_reserve_quietly(
    uow: AccountsUnitOfWork, key: str, limit: AttemptLimit, now: datetime
) -> bool:
    """Reserve one attempt under `key`; False when the key is full, for callers that must not
    show the refusal (an answer that would reveal whether an account exists)."""
    since = now - limit.window
    return await uow.login_attempts.try_reserve(key, now, since, limit.max_attempts) is not None


async def ensure_not_full(
    uow: AccountsUnitOfWork, limits: Sequence[tuple[str, AttemptLimit]], now: datetime
) -> None:
    """Raise RateLimited when a key is already full: a read-only early refusal, so a request
    over the limit costs no write. Not a guarantee; `reserve_attempts` is."""
    for key, limit in limits:
        counted = await uow.login_attempts.failures_since(key, now - limit.window)
        if len(counted) >= limit.max_attempts:
            raise RateLimited(limit.retry_after(counted, now))


async def release_attempts(uow: AccountsUnitOfWork, attempt_ids: Sequence[int]) -> None:
    """Forget reserved attempts whose work succeeded or never ran."""
    for attempt_id in attempt_ids:
        await uow.login_attempts.release(attempt_id)
