"""Text Postgres can't store (NUL, lone surrogates) is a 400 naming the field, on both SQL
backends, and no log line ever shows a password, a password hash or a crash's message."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from application.accounts.commands import CreateUserCommand
from application.shared.actor import Actor
from domain.accounts import Role
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from entrypoints.http.guards import require_strict_json_body
from entrypoints.http.logging import configure_logging
from entrypoints.http.storable import refuse_unstorable_input
from tests.integration.conftest import API, PASSWORD, bearer, make_settings
from tests.support.databases import copy_sqlite_database, sqlite_url, truncate_all
from tests.support.fakes import FastPasswordHasher, RecordingMailer

HASH_MARK = "$argon2id$"


class ArgonLookingHasher(FastPasswordHasher):
    """Fast hashes that look like argon2's, so a hash leaking into a log is found by its mark."""

    async def hash(self, password: str) -> str:
        """The fast hash behind argon2's marker."""
        return HASH_MARK + await super().hash(password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Verify the fast hash behind the marker."""
        return await super().verify((password_hash or "").removeprefix(HASH_MARK), password)


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """The app's logs, configured as in production, into a buffer."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    buffer = io.StringIO()
    configure_logging("INFO", stream=buffer)
    yield buffer
    root.handlers = saved_handlers
    root.setLevel(saved_level)
    structlog.reset_defaults()


@pytest.fixture(params=["sqlite", "postgres"])
async def container(request: pytest.FixtureRequest, tmp_path: Path) -> Container:
    """The production container on an empty migrated database of each SQL backend."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("migrated_postgres_url")
        await truncate_all(url)
    else:
        template: Path = request.getfixturevalue("migrated_sqlite_template")
        url = sqlite_url(copy_sqlite_database(template, tmp_path / "shop.db"))
    container = Container(settings=make_settings(tmp_path, url))
    container.core.hasher.override(providers.Singleton(ArgonLookingHasher))
    container.core.mailer.override(providers.Object(RecordingMailer()))
    return container


@pytest.fixture
async def client(container: Container) -> AsyncIterator[AsyncTestClient[Any]]:
    """The app in-process on that container."""
    async with AsyncTestClient(app=create_app(container)) as test_client:
        yield test_client


async def _signed_in(
    client: AsyncTestClient[Any], container: Container, email: str, role: Role
) -> tuple[str, str]:
    command = CreateUserCommand(email=email, password=PASSWORD, name="Someone", role=role)
    # On the app's own loop (the test client runs it on another thread): pooled asyncpg
    # connections belong to the loop that opened them.
    view = client.blocking_portal.call(container.accounts.create_user(), Actor.system(), command)
    login = await client.post(f"{API}/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return str(view.id), login.json()["accessToken"]


def _raw(document: str) -> dict[str, Any]:
    # Sent as written, so `\ud800` reaches the server as the JSON escape a client can send.
    return {"content": document.encode(), "headers": {"Content-Type": "application/json"}}


async def test_unstorable_text_anywhere_is_a_400_naming_the_field_and_never_logs_secrets(
    client: AsyncTestClient[Any], container: Container, log_output: io.StringIO
) -> None:
    admin_id, admin = await _signed_in(client, container, "admin@example.com", Role.ADMIN)
    ana_id, ana = await _signed_in(client, container, "ana@example.com", Role.CUSTOMER)
    editor = (await _signed_in(client, container, "eve@example.com", Role.EDITOR))[1]
    register = f"{API}/auth/register"
    cases: list[tuple[str, str, dict[str, Any], str]] = [
        (
            "POST",
            register,
            {"json": {"email": "b@example.com", "password": "Secret123", "name": "B\x00"}},
            "name",
        ),
        (
            "POST",
            register,
            {"json": {"email": "b\x00@example.com", "password": "Secret123"}},
            "email",
        ),
        (
            "POST",
            register,
            {"json": {"email": "c@example.com", "password": "Secret123\x00"}},
            "password",
        ),
        (
            "POST",
            register,
            _raw('{"email":"d@example.com","password":"Secret123","name":"\\ud800"}'),
            "name",
        ),
        (
            "POST",
            register,
            _raw('{"email":"e@example.com","password":"Secret123","name":"x\\udfffy"}'),
            "name",
        ),
        (
            "POST",
            f"{API}/auth/login",
            {"json": {"email": "ana@example.com\x00", "password": PASSWORD}},
            "email",
        ),
        ("POST", f"{API}/auth/forgot-password", {"json": {"email": "\x00@example.com"}}, "email"),
        ("PATCH", f"{API}/me", {"json": {"name": "Ana\x00"}, "headers": bearer(ana)}, "name"),
        (
            "PATCH",
            f"{API}/users/{ana_id}",
            {"json": {"name": "\x00"}, "headers": bearer(admin)},
            "name",
        ),
        (
            "PATCH",
            f"{API}/users/{ana_id}",
            {"json": {"email": "a\x00@example.com"}, "headers": bearer(admin)},
            "email",
        ),
        ("GET", f"{API}/users?search=%00", {"headers": bearer(admin)}, "search"),
        ("GET", f"{API}/users/%00", {"headers": bearer(admin)}, "id"),
        ("GET", f"{API}/products?search=a%00b", {}, "search"),
        ("GET", f"{API}/products/%00", {}, "id"),
        (
            "POST",
            f"{API}/products",
            {"json": {"name": "Mug\x00", "priceCents": 100, "stock": 1}, "headers": bearer(editor)},
            "name",
        ),
        (
            "POST",
            f"{API}/products",
            {
                "json": {"name": "Mug", "priceCents": 100, "stock": 1, "imageIds": ["ok", "\x00"]},
                "headers": bearer(editor),
            },
            "imageIds[1]",
        ),
        (
            "POST",
            f"{API}/orders",
            {"json": {"items": []}, "headers": {**bearer(ana), "Idempotency-Key": "k\x00"}},
            "Idempotency-Key",
        ),
        ("POST", f"{API}/sandbox/payments/pi_%00/succeed", {}, "paymentIntentId"),
    ]

    outcomes = []
    for method, url, kwargs, _ in cases:
        response = await client.request(method, url, **kwargs)
        body = response.json()
        outcomes.append(
            (method, url, response.status_code, (body.get("errors") or [{}])[0].get("field"))
        )

    assert outcomes == [(m, u, 400, field) for m, u, _, field in cases]
    assert (await client.get(f"{API}/users/{admin_id}", headers=bearer(admin))).status_code == 200
    text = log_output.getvalue()
    assert HASH_MARK not in text and "$argon2" not in text
    assert PASSWORD not in text
    assert "unhandled_exception" not in text


def test_every_route_refuses_unstorable_text_before_its_handler(tmp_path: Path) -> None:
    # A controller's own before_request replaces the app's: it must run the check itself.
    app = create_app(Container(settings=make_settings(tmp_path, "sqlite+aiosqlite://")))
    hooks = {
        (route.path, handler.handler_name): handler.resolve_before_request()
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
    }

    assert {
        key
        for key, hook in hooks.items()
        if hook not in (refuse_unstorable_input, require_strict_json_body)
    } == set()
