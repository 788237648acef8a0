"""The HTTP way in: requests to the Litestar app on a migrated SQLite file."""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
from dependency_injector import providers
from litestar.testing import TestClient
from litestar.types import ASGIApp, Receive, Send

from adapters.clock import FrozenClock
from adapters.sqlalchemy.migrate import upgrade_database
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.bdd.shared.outcome import REFUSAL_BY_STATUS, Outcome
from tests.bdd.shared.system import System, spec_settings
from tests.support.fakes import FastPasswordHasher

T = TypeVar("T")

API = "/api/v1"

# The test client always reports "testclient" as the peer; the specs name the client
# address per request through this header so rate limiting sees distinct devices.
CLIENT_ADDRESS_HEADER = b"x-spec-client-address"


class ClientAddress:
    """ASGI wrapper that sets the connection's client address from a test-only header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Receive, send: Send) -> None:
        """Pass the call on, with `client` taken from the header when present."""
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == CLIENT_ADDRESS_HEADER:
                    scope = {**scope, "client": (value.decode(), 50000)}
                    break
        await self.app(scope, receive, send)


def migrated_template(folder: Path) -> Path:
    """Create a SQLite file with the schema at head, to copy for each scenario."""
    path = folder / "template.db"
    upgrade_database(f"sqlite+aiosqlite:///{path}")
    return path


def copy_database(template: Path, target: Path) -> None:
    """Copy a SQLite database with its WAL side files, if any."""
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copyfile(source, Path(f"{target}{suffix}"))


class HttpSystem(System):
    """Sends every action as an HTTP request to the app, on the real SQL adapters."""

    kind = "http"

    def __init__(self, folder: Path, template: Path, clock: FrozenClock | None = None) -> None:
        database = folder / "specs.db"
        copy_database(template, database)
        settings = spec_settings(
            database_url=f"sqlite+aiosqlite:///{database}",
            var_dir=str(folder / "var"),
            mail_folder=str(folder / "mail"),
            media_dir=str(folder / "media"),
        )
        container = Container(settings=settings)
        # Argon2 would make each scenario take seconds; hashing has its own contract tests.
        container.core.hasher.override(providers.Singleton(FastPasswordHasher))
        super().__init__(container, clock)
        self._client: TestClient[Any] | None = None

    def start(self) -> None:
        """Build the app on the container, with every context's overrides in place."""
        self._client = TestClient(ClientAddress(create_app(self.container)))
        # Entering starts the app's lifespan and the portal every coroutine here runs on.
        self._client.__enter__()

    @property
    def client(self) -> TestClient[Any]:
        """The test client of the started app."""
        assert self._client is not None, "the HTTP system was not started"
        return self._client

    def run(self, make: Callable[[], Awaitable[T]]) -> T:
        """Run a coroutine on the app's event loop, where its database engine lives."""

        async def call() -> T:
            return await make()

        return self.client.blocking_portal.call(call)

    def close(self) -> None:
        """Stop the app (its lifespan closes the engine)."""
        if self._client is not None:
            self._client.__exit__(None, None, None)

    def send(
        self,
        method: str,
        path: str,
        *,
        access: str | None = None,
        json: Any = None,
        params: dict[str, str] | None = None,
        ip: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Outcome:
        """One request; the status and body become a neutral Outcome."""
        response = self.raw(
            method, path, access=access, json=json, params=params, ip=ip, headers=headers
        )
        return self._outcome(response)

    def raw(
        self,
        method: str,
        path: str,
        *,
        access: str | None = None,
        json: Any = None,
        params: dict[str, str] | None = None,
        ip: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """One request, its response as it came (redirects not followed), for the drivers
        that look at headers."""
        self.tick()
        headers = dict(headers or {})
        if access is not None:
            headers["Authorization"] = f"Bearer {access}"
        if ip is not None:
            headers[CLIENT_ADDRESS_HEADER.decode()] = ip
        return self.client.request(
            method,
            API + path,
            json=json,
            params=params,
            headers=headers,
            follow_redirects=False,
        )

    def outcome_of(self, response: httpx.Response) -> Outcome:
        """The neutral outcome of a response a driver looked at first."""
        return self._outcome(response)

    @staticmethod
    def _outcome(response: httpx.Response) -> Outcome:
        if response.status_code < 400:
            return Outcome(data=response.json() if response.content else None)
        body = response.json()
        assert body.get("statusCode") == response.status_code, body
        kind = REFUSAL_BY_STATUS.get(response.status_code, f"HTTP {response.status_code}")
        fields = tuple(e["field"] for e in body.get("errors") or ())
        return Outcome(refusal=kind, fields=fields, message=body.get("message", ""))
