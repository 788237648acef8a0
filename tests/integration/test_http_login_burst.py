"""Login, password-change and email bursts over HTTP on SQLite and Postgres: limits hold.

Each test counts the password verifications its hasher was asked for; a verification is what
a password-guessing attacker wants, so no burst may get more than the limit allows.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from dependency_injector import providers

from application.accounts.commands import CreateUserCommand
from application.shared.actor import Actor
from entrypoints.containers import Container, close_container
from entrypoints.http.app import create_app
from tests.integration.conftest import API, PASSWORD, make_container, make_settings
from tests.support.databases import copy_sqlite_database, sqlite_url, truncate_all
from tests.support.fakes import FastPasswordHasher, RecordingMailer

WRONG = "Wr0ngPassword"
LOGIN_MAX_FAILURES = 5  # per email and client, docs/api.md
ADDRESS_LIMIT = 20  # failures per client address across emails, docs/api.md


class CountingHasher(FastPasswordHasher):
    """The fast hasher, counting verifications; each waits at `gate` while it is closed."""

    def __init__(self) -> None:
        self.verifications = 0
        self.gate_open = True

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Count, wait for the gate, verify."""
        self.verifications += 1
        while not self.gate_open:
            await asyncio.sleep(0.002)
        return await super().verify(password_hash, password)


@pytest.fixture(params=["sqlite", "postgres"])
async def app(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_sqlite: Path, mailer: RecordingMailer
) -> AsyncIterator[tuple[httpx.AsyncClient, Container, CountingHasher]]:
    """The app on each database, with the counting hasher and a verified customer."""
    if request.param == "sqlite":
        url = sqlite_url(copy_sqlite_database(migrated_sqlite, tmp_path / "burst.db"))
    else:
        url = request.getfixturevalue("migrated_postgres_url")
        await truncate_all(url)
    container = make_container(make_settings(tmp_path, url), mailer)
    hasher = CountingHasher()
    container.core.hasher.override(providers.Object(hasher))
    await container.accounts.create_user()(
        Actor.system(), CreateUserCommand(email="ana@example.com", password=PASSWORD)
    )
    hasher.verifications = 0
    # httpx runs the app on this event loop, so requests gathered here really overlap
    # (Litestar's AsyncTestClient hands each request to a portal thread, one at a time).
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client, container, hasher
    await close_container(container)


async def _log_in(client: httpx.AsyncClient, password: str, email: str = "ana@example.com") -> Any:
    return await client.post(f"{API}/auth/login", json={"email": email, "password": password})


async def _until(condition: Any) -> None:
    # A guard against hanging, not a timing assertion: the condition is checked after.
    for _ in range(2000):
        if condition():
            return
        await asyncio.sleep(0.005)


async def test_a_burst_of_twenty_wrong_passwords_gets_at_most_five_verified(
    app: tuple[httpx.AsyncClient, Container, CountingHasher],
) -> None:
    client, _, hasher = app

    responses = await asyncio.gather(*(_log_in(client, WRONG) for _ in range(20)))

    statuses = sorted(r.status_code for r in responses)
    assert hasher.verifications <= LOGIN_MAX_FAILURES
    assert statuses == [401] * hasher.verifications + [429] * (20 - hasher.verifications)
    assert all(int(r.headers["Retry-After"]) > 0 for r in responses if r.status_code == 429)


async def test_the_right_password_inside_a_burst_of_wrong_ones_is_not_let_through(
    app: tuple[httpx.AsyncClient, Container, CountingHasher],
) -> None:
    client, _, hasher = app
    hasher.gate_open = False  # the verifications that get through are still running
    wrong = [asyncio.create_task(_log_in(client, WRONG)) for _ in range(19)]
    await _until(lambda: hasher.verifications + sum(t.done() for t in wrong) >= 19)

    right = asyncio.create_task(_log_in(client, PASSWORD))
    await _until(lambda: right.done() or hasher.verifications > LOGIN_MAX_FAILURES)
    hasher.gate_open = True
    responses = [*(await asyncio.gather(*wrong)), await right]

    assert hasher.verifications <= LOGIN_MAX_FAILURES
    assert 200 not in [r.status_code for r in responses]
    assert responses[-1].status_code == 429 and "Retry-After" in responses[-1].headers


async def test_one_client_trying_many_emails_is_limited_across_emails(
    app: tuple[httpx.AsyncClient, Container, CountingHasher],
) -> None:
    client, _, hasher = app
    emails = [f"nobody{i}@example.com" for i in range(ADDRESS_LIMIT + 10)]

    responses = await asyncio.gather(*(_log_in(client, WRONG, email) for email in emails))

    assert hasher.verifications <= ADDRESS_LIMIT
    assert sum(r.status_code == 429 for r in responses) >= 10
    # The real customer from that address waits too, without a verification.
    before = hasher.verifications
    assert (await _log_in(client, PASSWORD)).status_code == 429
    assert hasher.verifications == before


async def test_a_burst_of_wrong_current_passwords_gets_at_most_five_verified(
    app: tuple[httpx.AsyncClient, Container, CountingHasher],
) -> None:
    client, _, hasher = app
    token = (await _log_in(client, PASSWORD)).json()["accessToken"]
    hasher.verifications = 0
    body = {"currentPassword": WRONG, "newPassword": "NewSecret456"}

    responses = await asyncio.gather(
        *(
            client.post(
                f"{API}/me/password", json=body, headers={"Authorization": f"Bearer {token}"}
            )
            for _ in range(20)
        )
    )

    statuses = sorted(r.status_code for r in responses)
    assert hasher.verifications <= LOGIN_MAX_FAILURES
    assert statuses == [401] * hasher.verifications + [429] * (20 - hasher.verifications)
    right = {"currentPassword": PASSWORD, "newPassword": "NewSecret456"}
    refused = await client.post(
        f"{API}/me/password", json=right, headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 429 and "Retry-After" in refused.headers


@pytest.mark.parametrize(
    ("path", "kind", "verified"),
    [
        ("/auth/forgot-password", "reset_password", True),
        ("/auth/resend-verification", "verify_email", False),
    ],
)
async def test_thirty_mail_requests_at_once_send_three_emails(
    app: tuple[httpx.AsyncClient, Container, CountingHasher],
    mailer: RecordingMailer,
    path: str,
    kind: str,
    verified: bool,
) -> None:
    client, container, _ = app
    email = "ana@example.com" if verified else "bob@example.com"
    if not verified:
        registered = await client.post(
            f"{API}/auth/register", json={"email": email, "password": PASSWORD}
        )
        assert registered.status_code == 201

    responses = await asyncio.gather(
        *(client.post(f"{API}{path}", json={"email": email}) for _ in range(30))
    )

    assert [r.status_code for r in responses] == [202] * 30
    await container.messaging.dispatch_outbox()()
    sent = [m for m in mailer.sent if m.kind == kind and m.to == email]
    # Registering sent one verification email of its own; the 30 requests add three.
    assert len(sent) == (3 if verified else 1 + 3)
