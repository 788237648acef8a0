"""Accounts rules an attacker probes over HTTP: bare email addresses, self-administration."""

from __future__ import annotations

import pytest

from domain.accounts import Role
from entrypoints.containers import Container
from tests.integration.conftest import (
    API,
    PASSWORD,
    Client,
    UserMaker,
    assert_error_body,
    bearer,
)
from tests.support.fakes import RecordingMailer

BRACKETED = ["x<attacker@evil.example>", "Ana <ana@example.com>", "ana@example.com, e@evil.example"]


def _email_problem(response: object) -> None:
    body = assert_error_body(response, 400, "BadRequest")
    assert [e["field"] for e in body["errors"]] == ["email"]


@pytest.mark.parametrize("email", BRACKETED)
async def test_registering_a_bracketed_address_is_a_field_error(
    client: Client, container: Container, mailer: RecordingMailer, email: str
) -> None:
    response = await client.post(
        f"{API}/auth/register", json={"email": email, "password": PASSWORD}
    )

    _email_problem(response)
    await container.messaging.dispatch_outbox()()
    assert mailer.sent == []


@pytest.mark.parametrize("path", ["/auth/forgot-password", "/auth/resend-verification"])
async def test_asking_for_mail_to_a_bracketed_address_is_a_field_error(
    client: Client, make_user: UserMaker, path: str
) -> None:
    await make_user("attacker@evil.example")

    _email_problem(await client.post(f"{API}{path}", json={"email": BRACKETED[0]}))


async def test_admins_cannot_store_a_bracketed_address(
    client: Client, make_user: UserMaker, admin_token: str
) -> None:
    created = await client.post(
        f"{API}/users",
        json={"email": BRACKETED[0], "password": PASSWORD},
        headers=bearer(admin_token),
    )
    _email_problem(created)

    ana = await make_user("ana@example.com")
    for method in ("PATCH", "PUT"):
        body = {"email": BRACKETED[0]}
        if method == "PUT":
            body |= {"name": "Ana", "role": "customer", "tier": "standard", "active": True}
        response = await client.request(
            method, f"{API}/users/{ana['id']}", json=body, headers=bearer(admin_token)
        )
        _email_problem(response)


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("PATCH", {"role": "customer"}),
        ("PATCH", {"active": False}),
        (
            "PUT",
            {
                "email": "admin@example.com",
                "name": "Admin",
                "role": "editor",
                "tier": "standard",
                "active": True,
            },
        ),
        ("DELETE", None),
    ],
    ids=["demote", "deactivate", "put-demote", "delete"],
)
async def test_an_admin_cannot_remove_their_own_admin_account_through_users(
    client: Client, make_user: UserMaker, admin_token: str, method: str, body: dict | None
) -> None:
    # Another admin exists, so the last-admin rule is not what refuses this.
    await make_user("second@example.com", role=Role.ADMIN)
    me = (await client.get(f"{API}/me", headers=bearer(admin_token))).json()

    response = await client.request(
        method, f"{API}/users/{me['id']}", json=body, headers=bearer(admin_token)
    )

    assert "/me" in assert_error_body(response, 409, "Conflict")["message"]
    after = await client.get(f"{API}/me", headers=bearer(admin_token))
    assert after.status_code == 200 and after.json()["role"] == "admin" and after.json()["active"]
