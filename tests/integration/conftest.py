"""The real Litestar app on a migrated SQLite file, with fast hashing and a recording mailer."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from adapters.sqlalchemy.migrate import upgrade_database
from application.accounts.commands import CreateUserCommand
from application.catalog.commands import CreateProductCommand
from application.shared.actor import Actor
from domain.accounts import Role, Tier
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.support.databases import copy_sqlite_database, sqlite_url
from tests.support.fakes import FastPasswordHasher, RecordingMailer

PASSWORD = "Secret123"
API = "/api/v1"

Client = AsyncTestClient[Any]


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per run; each test gets a copy (much faster than migrating)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_database(sqlite_url(path))
    return path


def make_settings(tmp_path: Path, database_url: str) -> Settings:
    """Test settings on the given database."""
    return Settings(
        app_env="test",
        database_url=database_url,
        jwt_secret="integration-test-secret-0123456789abcdef",
        var_dir=str(tmp_path / "var"),
        mail_folder=str(tmp_path / "mail"),
        media_dir=str(tmp_path / "media"),
        # Many tests hammer /auth/*; the rate-limit tests switch it on themselves.
        rate_limit_enabled=False,
    )


def make_container(settings: Settings, mailer: RecordingMailer) -> Container:
    """The production container with argon2 and mail swapped for fast, observable fakes."""
    container = Container(settings=settings)
    container.core.hasher.override(providers.Singleton(FastPasswordHasher))
    container.core.mailer.override(providers.Object(mailer))
    return container


@pytest.fixture
def mailer() -> RecordingMailer:
    """The mailer the outbox dispatcher delivers to."""
    return RecordingMailer()


@pytest.fixture
def container(tmp_path: Path, migrated_sqlite: Path, mailer: RecordingMailer) -> Container:
    """A container on a fresh copy of the migrated database."""
    database = copy_sqlite_database(migrated_sqlite, tmp_path / "hexashop.db")
    return make_container(make_settings(tmp_path, sqlite_url(database)), mailer)


@pytest.fixture
async def client(container: Container) -> AsyncIterator[Client]:
    """An HTTP client talking to the app in-process, with startup and shutdown hooks run."""
    async with AsyncTestClient(app=create_app(container)) as test_client:
        yield test_client


UserMaker = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def make_user(container: Container) -> UserMaker:
    """Create a verified user directly through the use case (as the CLI operator)."""

    async def make(
        email: str,
        role: Role = Role.CUSTOMER,
        name: str | None = None,
        tier: Tier = Tier.STANDARD,
    ) -> dict[str, Any]:
        command = CreateUserCommand(email=email, password=PASSWORD, name=name, role=role, tier=tier)
        view = await container.accounts.create_user()(Actor.system(), command)
        return {"id": str(view.id), "email": view.email}

    return make


TokenMaker = Callable[..., Awaitable[str]]


@pytest.fixture
def login(client: Client) -> TokenMaker:
    """Log in over HTTP and return the access token."""

    async def do_login(email: str, password: str = PASSWORD) -> str:
        response = await client.post(
            f"{API}/auth/login", json={"email": email, "password": password}
        )
        assert response.status_code == 200, response.text
        return str(response.json()["accessToken"])

    return do_login


@pytest.fixture
async def admin_token(make_user: UserMaker, login: TokenMaker) -> str:
    """An access token of an active admin."""
    await make_user("admin@example.com", role=Role.ADMIN, name="Admin")
    return await login("admin@example.com")


@pytest.fixture
async def customer_token(make_user: UserMaker, login: TokenMaker) -> str:
    """An access token of a verified customer."""
    await make_user("ana@example.com", name="Ana")
    return await login("ana@example.com")


@pytest.fixture
async def editor_token(make_user: UserMaker, login: TokenMaker) -> str:
    """An access token of an editor (staff, not admin)."""
    await make_user("eve@example.com", role=Role.EDITOR, name="Eve")
    return await login("eve@example.com")


ProductMaker = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def make_product(container: Container) -> ProductMaker:
    """Create a product directly through the use case (as the CLI operator); returns its id."""

    async def make(
        name: str,
        price_cents: int = 500,
        stock: int = 10,
        active: bool = True,
        description: str = "",
    ) -> dict[str, Any]:
        command = CreateProductCommand(
            name=name,
            price_cents=price_cents,
            stock=stock,
            description=description,
            active=active,
        )
        view = await container.catalog.create_product()(Actor.system(), command)
        return {"id": str(view.id), "name": view.name}

    return make


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def assert_error_body(response: Any, status: int, error: str) -> dict[str, Any]:
    """Check the docs/api.md error shape and return the body."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] == error
    assert body["statusCode"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert body["requestId"] == response.headers["X-Request-ID"]
    assert set(body) <= {"error", "message", "statusCode", "errors", "requestId"}
    return body


def forged_cursor(*parts: object) -> str:
    """A cursor as Cursor.encode writes one, from any parts: a forgery's raw material."""
    raw = json.dumps(list(parts)).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
