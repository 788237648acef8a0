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
from adapters.sqlalchemy.migrate import upgrade_database
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.bdd.drivers.base import (
    REFUSAL_BY_STATUS,
    Driver,
    OrderFilters,
    Outcome,
    ProductFilters,
    UserFilters,
    spec_settings,
)
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
        container.core.hasher.override(providers.Singleton(FastPasswordHasher))
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
        headers: dict[str, str] | None = None,
    ) -> Outcome:
        """One request; the status and body become a neutral Outcome."""
        self.tick()
        headers = dict(headers or {})
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

    # --- catalog ----------------------------------------------------------------------------

    def create_product(self, access: str | None, fields: dict[str, Any]) -> Outcome:
        """Staff add a product."""
        return self._send("POST", "/products", access=access, json=fields)

    def update_product(
        self, access: str | None, product_id: str, changes: dict[str, Any]
    ) -> Outcome:
        """Staff change some fields of a product."""
        return self._send("PATCH", f"/products/{product_id}", access=access, json=changes)

    def adjust_stock(self, access: str | None, product_id: str, delta: int) -> Outcome:
        """Staff add or remove stock."""
        path = f"/products/{product_id}/stock"
        return self._send("POST", path, access=access, json={"delta": delta})

    def delete_product(self, access: str | None, product_id: str) -> Outcome:
        """An admin deletes a product."""
        return self._send("DELETE", f"/products/{product_id}", access=access)

    def list_products(self, access: str | None, filters: ProductFilters) -> Outcome:
        """Browse the catalog."""
        wire = {
            "search": filters.search,
            "minPrice": filters.min_price,
            "maxPrice": filters.max_price,
            "sort": filters.sort,
            "page": filters.page,
            "limit": filters.limit,
        }
        params = {k: str(v) for k, v in wire.items() if v is not None}
        if filters.in_stock is not None:
            params["inStock"] = "true" if filters.in_stock else "false"
        return self._send("GET", "/products", access=access, params=params)

    def get_product(self, access: str | None, product_id: str) -> Outcome:
        """Look at one product."""
        return self._send("GET", f"/products/{product_id}", access=access)

    # --- orders and payments ----------------------------------------------------------------

    def place_order(
        self,
        access: str | None,
        items: list[tuple[str, int]],
        idempotency_key: str | None = None,
    ) -> Outcome:
        """Order products."""
        body = {"items": [{"productId": p, "quantity": q} for p, q in items]}
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self._send("POST", "/orders", access=access, json=body, headers=headers)

    def list_orders(self, access: str | None, filters: OrderFilters) -> Outcome:
        """One's own orders, or everyone's for an admin."""
        wire = {
            "userId": filters.user_id,
            "status": filters.status,
            "sort": filters.sort,
            "page": filters.page,
            "limit": filters.limit,
        }
        params = {k: str(v) for k, v in wire.items() if v is not None}
        return self._send("GET", "/orders", access=access, params=params)

    def get_order(self, access: str | None, order_id: str) -> Outcome:
        """Look at one order."""
        return self._send("GET", f"/orders/{order_id}", access=access)

    def cancel_order(self, access: str | None, order_id: str) -> Outcome:
        """Cancel a pending order."""
        return self._send("POST", f"/orders/{order_id}/cancel", access=access)

    def ship_order(self, access: str | None, order_id: str) -> Outcome:
        """Staff ship a paid order."""
        return self._send("POST", f"/orders/{order_id}/ship", access=access)

    def refund_order(self, access: str | None, order_id: str) -> Outcome:
        """An admin refunds a paid or shipped order."""
        return self._send("POST", f"/orders/{order_id}/refund", access=access)

    def start_payment(self, access: str | None, order_id: str) -> Outcome:
        """The owner starts paying an order."""
        return self._send("POST", f"/orders/{order_id}/payment", access=access)

    def settle_payment(self, intent_id: str, succeed: bool) -> Outcome:
        """The sandbox provider settles a payment: the same handler as the Stripe webhook."""
        action = "succeed" if succeed else "fail"
        return self._send("POST", f"/sandbox/payments/{intent_id}/{action}")
