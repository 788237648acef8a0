"""The whole purchase, against the real server process with the in-process worker.

`hexashop serve` runs with make run's defaults (sandbox payments, mail folder), the operator seeds
the demo data with `hexashop seed demo` on the same database, then staff and a customer go
through the shop over HTTP: a product is added, ordered, paid, confirmed by email, shipped and
refunded. Once on the default SQLite file and once on a throwaway Postgres database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from entrypoints.seed import DEMO_USERS
from tests.e2e.process import plain_body, run, serving, wait_for_mail
from tests.support.postgres import throwaway_database_sync

pytestmark = pytest.mark.e2e

API = "/api/v1"


def _demo(role: str, tier: str | None = None) -> tuple[str, str]:
    user = next(
        u for u in DEMO_USERS if str(u.role) == role and (tier is None or str(u.tier) == tier)
    )
    return user.email, user.password


ADMIN = _demo("admin")
EDITOR = _demo("editor")
PREMIUM_CUSTOMER = _demo("customer", "premium")


@dataclass(frozen=True)
class Shop:
    """A running, seeded shop: its HTTP client and where its mail lands."""

    client: httpx.Client
    mail_dir: Path

    def log_in(self, credentials: tuple[str, str]) -> dict[str, str]:
        """Log in and return the bearer header for the session."""
        email, password = credentials
        response = self.client.post(
            f"{API}/auth/login", json={"email": email, "password": password}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['accessToken']}"}

    def call(
        self, method: str, path: str, headers: dict[str, str], status: int, **kwargs: Any
    ) -> Any:
        """Send one API request, check its status and return the JSON body."""
        response = self.client.request(method, f"{API}{path}", headers=headers, **kwargs)
        assert response.status_code == status, f"{method} {path}: {response.text}"
        return response.json()


@pytest.fixture(params=["sqlite", "postgres"])
def database_env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """make run's default SQLite file under var/ (no DATABASE_URL), or a fresh Postgres."""
    if request.param == "sqlite":
        yield {}
        return
    with throwaway_database_sync("hexashop_e2e") as url:
        yield {"DATABASE_URL": url}


@pytest.fixture
def shop(tmp_path: Path, database_env: dict[str, str]) -> Iterator[Shop]:
    """A server started like `make run` (it migrates), then seeded by the operator's CLI."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    with serving(workdir, tmp_path / "server.log", **database_env) as (client, _):
        seeded = run(workdir, "seed", "demo", **database_env)
        assert seeded.returncode == 0, seeded.stdout + seeded.stderr
        assert "created 4 users" in seeded.stdout
        yield Shop(client, workdir / "var" / "mail")


def test_a_product_is_added_ordered_paid_confirmed_shipped_and_refunded(shop: Shop):
    customer_email = PREMIUM_CUSTOMER[0]
    editor, customer, admin = (shop.log_in(c) for c in (EDITOR, PREMIUM_CUSTOMER, ADMIN))

    product = shop.call(
        "POST",
        "/products",
        editor,
        201,
        json={"name": "Walnut Pepper Mill", "priceCents": 3450, "stock": 5},
    )
    items = [{"productId": product["id"], "quantity": 2}]
    order = shop.call("POST", "/orders", customer, 201, json={"items": items})
    intent = shop.call("POST", f"/orders/{order['id']}/payment", customer, 201)
    shop.call("POST", f"/sandbox/payments/{intent['paymentIntentId']}/succeed", {}, 200)
    paid = shop.call("GET", f"/orders/{order['id']}", customer, 200)
    confirmation = wait_for_mail(shop.mail_dir, customer_email, "Order confirmed")
    shipped = shop.call("POST", f"/orders/{order['id']}/ship", editor, 200)
    shipped_mail = wait_for_mail(shop.mail_dir, customer_email, "Order shipped")
    refunded = shop.call("POST", f"/orders/{order['id']}/refund", admin, 200)
    refund_mail = wait_for_mail(shop.mail_dir, customer_email, "Order refunded")
    stock_left = shop.call("GET", f"/products/{product['id']}", editor, 200)["stock"]

    # 2 x $34.50 = $69.00, less the premium tier's 20%.
    assert (order["status"], order["subtotalCents"], order["totalCents"]) == ("pending", 6900, 5520)
    assert (intent["provider"], intent["amountCents"]) == ("sandbox", 5520)
    assert paid["status"] == "paid"
    assert order["id"] in plain_body(confirmation)
    assert "Total: $55.20" in plain_body(confirmation)
    assert shipped["status"] == "shipped"
    assert order["id"] in str(shipped_mail["Subject"])
    assert refunded["status"] == "refunded"
    assert "We refunded $55.20" in plain_body(refund_mail)
    assert stock_left == 3
