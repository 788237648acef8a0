"""The HTTP driver: the same actions through the Litestar app on a migrated SQLite file."""

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
from adapters.memory import FastPasswordHasher
from adapters.sqlalchemy.migrate import upgrade_database
from entrypoints.container import Container
from entrypoints.http.app import create_app
from tests.bdd.drivers.base import REFUSAL_BY_STATUS, Driver, Outcome, UserFilters, spec_settings

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


class HttpDriver(Driver):
    """Sends every action as an HTTP request to the app, on the real SQL adapters."""

    def __init__(self, folder: Path, template: Path, clock: FrozenClock | None = None) -> None:
        database = folder / "specs.db"
        copy_database(template, database)
        settings = spec_settings(
            database_url=f"sqlite+aiosqlite:///{database}",
            var_dir=str(folder / "var"),
            mail_folder=str(folder / "mail"),
        )
        container = Container(settings=settings)
        # Argon2 would make each scenario take seconds; hashing has its own contract tests.
        container.hasher.override(providers.Singleton(FastPasswordHasher))
        super().__init__(container, clock or FrozenClock())
        self.client = TestClient(ClientAddress(create_app(container)))
        # Entering starts the app's lifespan and the portal every coroutine here runs on.
        self.client.__enter__()

    def run(self, make: Callable[[], Awaitable[T]]) -> T:
        """Run a coroutine on the app's event loop, where its database engine lives."""

        async def call() -> T:
            return await make()

        return self.client.blocking_portal.call(call)

    def close(self) -> None:
        """Stop the app (its lifespan closes the engine)."""
        self.client.__exit__(None, None, None)

    def _send(
        self,
        method: str,
        path: str,
        *,
        access: str | None = None,
        json: Any = None,
        params: dict[str, str] | None = None,
        ip: str | None = None,
    ) -> Outcome:
        """One request; the status and body become a neutral Outcome."""
        self.tick()
        headers = {}
        if access is not None:
            headers["Authorization"] = f"Bearer {access}"
        if ip is not None:
            headers[CLIENT_ADDRESS_HEADER.decode()] = ip
        response = self.client.request(
            method, API + path, json=json, params=params, headers=headers
        )
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

    # --- public actions ---------------------------------------------------------------------

    def register(self, email: str, password: str, name: str | None = None) -> Outcome:
        """Sign up."""
        body = {"email": email, "password": password}
        if name is not None:
            body["name"] = name
        return self._send("POST", "/auth/register", json=body)

    def verify_email(self, token: str) -> Outcome:
        """Redeem a verification token."""
        return self._send("POST", "/auth/verify-email", json={"token": token})

    def resend_verification(self, email: str) -> Outcome:
        """Ask for a new verification email."""
        return self._send("POST", "/auth/resend-verification", json={"email": email})

    def login(self, email: str, password: str, ip: str) -> Outcome:
        """Log in from a client address."""
        body = {"email": email, "password": password}
        return self._send("POST", "/auth/login", json=body, ip=ip)

    def refresh(self, refresh_token: str) -> Outcome:
        """Rotate a refresh token."""
        return self._send("POST", "/auth/refresh", json={"refreshToken": refresh_token})

    def logout(self, refresh_token: str) -> Outcome:
        """End the login of a refresh token."""
        return self._send("POST", "/auth/logout", json={"refreshToken": refresh_token})

    def forgot_password(self, email: str) -> Outcome:
        """Ask for a password reset email."""
        return self._send("POST", "/auth/forgot-password", json={"email": email})

    def reset_password(self, token: str, password: str) -> Outcome:
        """Choose a new password with a reset token."""
        body = {"token": token, "password": password}
        return self._send("POST", "/auth/reset-password", json=body)

    # --- signed-in actions ------------------------------------------------------------------

    def me(self, access: str | None) -> Outcome:
        """One's own profile."""
        return self._send("GET", "/me", access=access)

    def update_me(self, access: str | None, name: str) -> Outcome:
        """Rename oneself."""
        return self._send("PATCH", "/me", access=access, json={"name": name})

    def change_password(self, access: str | None, current: str, new: str) -> Outcome:
        """Change one's own password."""
        body = {"currentPassword": current, "newPassword": new}
        return self._send("POST", "/me/password", access=access, json=body)

    def list_users(self, access: str | None, filters: UserFilters) -> Outcome:
        """The admin user list."""
        params: dict[str, str] = {}
        for name in ("search", "role", "sort", "page", "limit"):
            value = getattr(filters, name)
            if value is not None:
                params[name] = str(value)
        if filters.active is not None:
            params["active"] = "true" if filters.active else "false"
        return self._send("GET", "/users", access=access, params=params)

    def create_user(
        self,
        access: str | None,
        email: str,
        password: str,
        name: str | None = None,
        role: str | None = None,
        tier: str | None = None,
    ) -> Outcome:
        """An admin creates an account."""
        body = {"email": email, "password": password}
        optional = {"name": name, "role": role, "tier": tier}
        body.update({k: v for k, v in optional.items() if v is not None})
        return self._send("POST", "/users", access=access, json=body)

    def get_user(self, access: str | None, user_id: str) -> Outcome:
        """An admin views an account."""
        return self._send("GET", f"/users/{user_id}", access=access)

    def update_user(self, access: str | None, user_id: str, changes: dict[str, Any]) -> Outcome:
        """An admin changes some fields of an account."""
        return self._send("PATCH", f"/users/{user_id}", access=access, json=changes)

    def delete_user(self, access: str | None, user_id: str) -> Outcome:
        """An admin deletes an account."""
        return self._send("DELETE", f"/users/{user_id}", access=access)
