"""The API through the Lambda handler, driven by API Gateway's own event shapes: a customer's
whole visit on HTTP API (2.0) and REST API (1.0) events, on SQLite and Postgres."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from application.accounts.commands import CreateUserCommand
from application.apikeys.create_api_key import CreateApiKeyCommand
from application.catalog.commands import CreateProductCommand
from application.shared.actor import Actor
from entrypoints.lambda_handler import LambdaRuntime
from tests.e2e.process import plain_body, token_in, wait_for_mail
from tests.integration.conftest import assert_error_body
from tests.support.lambda_events import (
    LambdaContext,
    LambdaTransport,
    RuntimeMaker,
    http_api_event,
    response_body,
)
from tests.support.media_samples import pdf

API = "/api/v1"
EMAIL = "ana@example.com"
PASSWORD = "Passw0rdOK"
# A PDF with the binary comment line PDF writers put after the header: not valid UTF-8, so
# API Gateway base64-encodes it both ways.
BINARY_PDF = pdf()[:9] + b"%\xe2\xe3\xcf\xd3\n" + pdf()[9:]


def client(runtime: LambdaRuntime, payload: str = "2.0", source_ip: str = "203.0.113.7") -> Any:
    """An httpx client whose every request is one invocation of the API handler."""
    transport = LambdaTransport(runtime, payload=payload, source_ip=source_ip)
    return httpx.Client(transport=transport, base_url="https://api.example.com")


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def deliver_outbox(runtime: LambdaRuntime) -> dict[str, int]:
    """One invocation of the scheduled handler."""
    return runtime.scheduled({"source": "aws.events"}, LambdaContext())


@pytest.mark.parametrize("payload", ["2.0", "1.0"])
def test_a_customer_signs_up_orders_and_stores_a_file_through_lambda(
    make_runtime: RuntimeMaker, tmp_path: Path, payload: str
) -> None:
    runtime = make_runtime()
    api = client(runtime, payload)
    product = runtime.run(
        runtime.container.catalog.create_product()(
            Actor.system(), CreateProductCommand(name="Blue Mug", price_cents=600, stock=10)
        )
    )

    registered = api.post(f"{API}/auth/register", json={"email": EMAIL, "password": PASSWORD})
    delivered = deliver_outbox(runtime)
    token = token_in(plain_body(wait_for_mail(tmp_path / "mail", EMAIL, "Confirm your email")))
    verified = api.post(f"{API}/auth/verify-email", json={"token": token})
    login = api.post(f"{API}/auth/login", json={"email": EMAIL, "password": PASSWORD})
    auth = bearer(login.json()["accessToken"])
    me = api.get(f"{API}/me", headers=auth)
    order = api.post(
        f"{API}/orders",
        json={"items": [{"productId": str(product.id), "quantity": 2}]},
        headers=auth,
    )
    uploaded = api.post(
        f"{API}/media", files={"file": ("scan.pdf", BINARY_PDF, "application/pdf")}, headers=auth
    )
    downloaded = api.get(uploaded.json()["url"], headers=auth)
    missing = api.get(f"{API}/no-such-route")
    site_key = runtime.run(
        runtime.container.apikeys.create_api_key()(CreateApiKeyCommand("blog", ("home",)))
    ).key
    hits = [
        api.post(f"{API}/counters/home/hits", headers={"X-API-Key": site_key}) for _ in range(2)
    ]

    assert registered.status_code == 201, registered.text
    assert delivered["sent"] == 1
    assert verified.status_code == 200, verified.text
    assert login.status_code == 200, login.text
    assert me.status_code == 200, me.text
    assert me.json()["email"] == EMAIL
    assert me.json()["emailVerified"] is True
    assert order.status_code == 201, order.text
    assert order.json()["status"] == "pending"
    assert order.json()["totalCents"] == 1200
    assert uploaded.status_code == 201, uploaded.text
    assert downloaded.status_code == 200, downloaded.text
    assert downloaded.content == BINARY_PDF
    assert downloaded.headers["content-type"].startswith("application/pdf")
    assert_error_body(missing, 404, "NotFound")
    assert [h.json() for h in hits] == [{"name": "home", "count": n} for n in (1, 2)]


def test_a_binary_download_is_base64_in_the_lambda_response(make_runtime: RuntimeMaker) -> None:
    runtime = make_runtime()
    api = client(runtime)
    runtime.run(
        runtime.container.accounts.create_user()(
            Actor.system(), CreateUserCommand(email=EMAIL, password=PASSWORD)
        )
    )
    auth = bearer(
        api.post(f"{API}/auth/login", json={"email": EMAIL, "password": PASSWORD}).json()[
            "accessToken"
        ]
    )
    url = api.post(
        f"{API}/media", files={"file": ("scan.pdf", BINARY_PDF, "application/pdf")}, headers=auth
    ).json()["url"]

    answer = runtime.http(http_api_event("GET", url, headers=list(auth.items())), LambdaContext())

    assert answer["statusCode"] == 200
    assert answer["isBase64Encoded"] is True
    assert base64.b64decode(answer["body"]) == BINARY_PDF


def test_the_stage_prefix_is_stripped_before_routing(make_runtime: RuntimeMaker) -> None:
    runtime = make_runtime(api_gateway_base_path="/prod")

    answer = runtime.http(http_api_event("GET", "/health/live", stage="prod"), LambdaContext())

    assert answer["statusCode"] == 200, answer
    assert json.loads(response_body(answer))["status"] == "ok"


def test_query_strings_reach_the_app_on_both_payloads(make_runtime: RuntimeMaker) -> None:
    runtime = make_runtime()
    for name in ("Cup", "Mug", "Plate"):
        runtime.run(
            runtime.container.catalog.create_product()(
                Actor.system(), CreateProductCommand(name=name, price_cents=600, stock=1)
            )
        )

    pages = [
        client(runtime, payload)
        .get(f"{API}/products", params={"page": 2, "limit": 1, "sort": "name"})
        .json()
        for payload in ("2.0", "1.0")
    ]

    for page in pages:
        meta = page["meta"]
        assert isinstance(meta.pop("nextCursor"), str)
        assert meta == {"page": 2, "limit": 1, "total": 3, "totalPages": 3, "totalExact": True}
        assert [item["name"] for item in page["data"]] == ["Mug"]


def test_the_rate_limit_counts_requests_by_api_gateways_source_ip(
    make_runtime: RuntimeMaker,
) -> None:
    runtime = make_runtime(rate_limit_enabled=True, rate_limit_auth="2/minute")
    caller = client(runtime, source_ip="198.51.100.1")
    other = client(runtime, "1.0", source_ip="198.51.100.2")
    body = {"email": "nobody@example.com", "password": PASSWORD}

    allowed = [caller.post(f"{API}/auth/login", json=body).status_code for _ in range(2)]
    limited = caller.post(f"{API}/auth/login", json=body)
    # A caller can't pose as someone else with a header: only requestContext's address counts.
    spoofed = caller.post(
        f"{API}/auth/login", json=body, headers={"X-Forwarded-For": "198.51.100.99"}
    )
    elsewhere = other.post(f"{API}/auth/login", json=body)

    assert allowed == [401, 401]
    assert_error_body(limited, 429, "TooManyRequests")
    assert "retry-after" in limited.headers
    assert spoofed.status_code == 429
    assert elsewhere.status_code == 401
