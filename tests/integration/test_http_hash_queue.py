"""A full password-hashing queue answers 429 with Retry-After at once instead of waiting."""

from __future__ import annotations

import asyncio
import threading

import pytest
from dependency_injector import providers

from adapters.argon2_hasher import Argon2PasswordHasher
from domain.accounts import Role
from domain.errors import RateLimited
from entrypoints.containers import Container
from tests.integration.conftest import (
    API,
    PASSWORD,
    Client,
    TokenMaker,
    UserMaker,
    assert_error_body,
    bearer,
)
from tests.integration.test_http_accounts import delivered_token
from tests.support.fakes import RecordingMailer

RELEASE_GUARD_SECONDS = 30  # only so a broken test can't hang forever


class BlockedHasher(Argon2PasswordHasher):
    """Cheap argon2 whose every hash and verification waits until `release` is set."""

    def __init__(self, max_queued: int) -> None:
        super().__init__(
            time_cost=1, memory_cost=8, parallelism=1, max_concurrent=1, max_queued=max_queued
        )
        self.release = threading.Event()
        self.started = threading.Semaphore(0)

    def _verify_blocking(self, password_hash: str | None, password: str) -> bool:
        self.started.release()
        self.release.wait(RELEASE_GUARD_SECONDS)
        return super()._verify_blocking(password_hash, password)


async def _fill(hasher: BlockedHasher, n: int) -> list[asyncio.Task[bool]]:
    tasks = [asyncio.create_task(hasher.verify(None, "x")) for _ in range(n)]
    await asyncio.sleep(0)  # let each task submit its work
    return tasks


async def test_the_hasher_refuses_at_once_when_its_queue_is_full() -> None:
    hasher = BlockedHasher(max_queued=2)
    held = await _fill(hasher, 2)  # one running, one waiting for the thread

    with pytest.raises(RateLimited) as err:
        await hasher.verify(None, "x")

    assert err.value.retry_after_seconds >= 1
    hasher.release.set()
    assert await asyncio.gather(*held) == [False, False]
    assert await hasher.verify(None, "x") is False  # room again once the queue drained


async def test_a_login_while_the_hashing_queue_is_full_is_429_at_once(
    client: Client, container: Container
) -> None:
    hasher = BlockedHasher(max_queued=2)
    container.core.hasher.override(providers.Object(hasher))
    held = await _fill(hasher, 2)
    try:
        response = await client.post(
            f"{API}/auth/login", json={"email": "ana@example.com", "password": PASSWORD}
        )
        assert_error_body(response, 429, "TooManyRequests")
        assert int(response.headers["Retry-After"]) >= 1
        # Never verified, so not counted against her: five wrong tries later still get a 401.
        hasher.release.set()
        await asyncio.gather(*held)
        for _ in range(5):
            wrong = await client.post(
                f"{API}/auth/login", json={"email": "ana@example.com", "password": "Wr0ngPass"}
            )
            assert wrong.status_code == 401, wrong.text
    finally:
        hasher.release.set()


async def test_every_route_that_hashes_answers_a_full_queue_with_its_documented_429(
    client: Client,
    container: Container,
    mailer: RecordingMailer,
    make_user: UserMaker,
    login: TokenMaker,
) -> None:
    await make_user("admin@example.com", role=Role.ADMIN)
    await make_user("ana@example.com")
    admin, ana = bearer(await login("admin@example.com")), bearer(await login("ana@example.com"))
    await client.post(f"{API}/auth/forgot-password", json={"email": "ana@example.com"})
    reset_token = await delivered_token(container, mailer, "reset_password")
    calls = {
        "/auth/login": ({"email": "ana@example.com", "password": PASSWORD}, {}),
        "/auth/register": ({"email": "bo@example.com", "password": "Brand9New"}, {}),
        "/auth/reset-password": ({"token": reset_token, "password": "Brand9New"}, {}),
        "/users": ({"email": "cy@example.com", "password": "Brand9New"}, admin),
        "/me/password": ({"currentPassword": PASSWORD, "newPassword": "Brand9New"}, ana),
    }
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    hasher = BlockedHasher(max_queued=2)
    container.core.hasher.override(providers.Object(hasher))
    held = await _fill(hasher, 2)
    try:
        for path, (body, headers) in calls.items():
            response = await client.post(f"{API}{path}", json=body, headers=headers)

            assert_error_body(response, 429, "TooManyRequests")
            assert response.headers["Retry-After"] == "1", path
            documented = paths[f"{API}{path}"]["post"]["responses"]["429"]
            assert documented["headers"]["Retry-After"]["required"] is True, path
    finally:
        hasher.release.set()
        await asyncio.gather(*held)
