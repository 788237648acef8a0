"""The accounts endpoints end to end over HTTP, on the migrated SQLite database."""

from __future__ import annotations

import re
import uuid
from typing import Any

from domain.accounts import Role
from entrypoints.containers import Container
from tests.integration.conftest import (
    API,
    PASSWORD,
    Client,
    TokenMaker,
    UserMaker,
    assert_error_body,
    bearer,
    forged_cursor,
)
from tests.support.fakes import RecordingMailer

USER_FIELDS = {
    "id",
    "email",
    "name",
    "role",
    "tier",
    "emailVerified",
    "active",
    "createdAt",
    "updatedAt",
}
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def assert_user_json(user: dict[str, Any]) -> None:
    """The public user shape: exactly the documented fields, UTC timestamps, no secrets."""
    assert set(user) == USER_FIELDS
    assert RFC3339_UTC.match(user["createdAt"]) and RFC3339_UTC.match(user["updatedAt"])
    flat = str(user).lower()
    assert "password" not in flat and "hash" not in flat and "fake$" not in flat


async def delivered_token(container: Container, mailer: RecordingMailer, kind: str) -> str:
    """Run the outbox dispatcher and pull the token out of the last email of this kind."""
    await container.messaging.dispatch_outbox()()
    message = [m for m in mailer.sent if m.kind == kind][-1]
    match = re.search(r"token=([A-Za-z0-9_\-]+)", message.text_body)
    assert match, message.text_body
    return match.group(1)


async def test_register_verify_and_log_in(
    client: Client, container: Container, mailer: RecordingMailer
) -> None:
    registered = await client.post(
        f"{API}/auth/register",
        json={"email": "Ana@Example.com", "password": PASSWORD, "name": "Ana"},
    )
    assert registered.status_code == 201, registered.text
    assert_user_json(registered.json())
    assert registered.json()["email"] == "ana@example.com"
    assert registered.json()["emailVerified"] is False

    unverified = await client.post(
        f"{API}/auth/login", json={"email": "ana@example.com", "password": PASSWORD}
    )
    assert_error_body(unverified, 403, "Forbidden")

    token = await delivered_token(container, mailer, "verify_email")
    verified = await client.post(f"{API}/auth/verify-email", json={"token": token})
    assert verified.status_code == 200, verified.text
    assert verified.json()["emailVerified"] is True

    reused = await client.post(f"{API}/auth/verify-email", json={"token": token})
    body = assert_error_body(reused, 400, "BadRequest")
    assert body["errors"][0]["field"] == "token"

    login = await client.post(
        f"{API}/auth/login", json={"email": "ana@example.com", "password": PASSWORD}
    )
    assert login.status_code == 200, login.text
    session = login.json()
    assert set(session) == {"accessToken", "refreshToken", "tokenType", "expiresIn", "user"}
    assert session["tokenType"] == "Bearer"
    assert session["expiresIn"] == 900
    assert_user_json(session["user"])


async def test_unknown_email_and_wrong_password_are_the_same_401(
    client: Client, make_user: UserMaker
) -> None:
    await make_user("ana@example.com")

    unknown = await client.post(
        f"{API}/auth/login", json={"email": "nobody@example.com", "password": PASSWORD}
    )
    wrong = await client.post(
        f"{API}/auth/login", json={"email": "ana@example.com", "password": "Wrong1234"}
    )

    assert assert_error_body(unknown, 401, "Unauthorized")["message"] == "Invalid credentials"
    assert assert_error_body(wrong, 401, "Unauthorized")["message"] == "Invalid credentials"


async def test_resend_and_forgot_are_202_for_unknown_accounts(client: Client) -> None:
    resend = await client.post(
        f"{API}/auth/resend-verification", json={"email": "nobody@example.com"}
    )
    forgot = await client.post(f"{API}/auth/forgot-password", json={"email": "nobody@example.com"})

    assert resend.status_code == 202
    assert forgot.status_code == 202


async def test_refresh_rotates_and_logout_ends_the_login(
    client: Client, make_user: UserMaker
) -> None:
    await make_user("ana@example.com")
    credentials = {"email": "ana@example.com", "password": PASSWORD}
    first = (await client.post(f"{API}/auth/login", json=credentials)).json()["refreshToken"]

    rotated = await client.post(f"{API}/auth/refresh", json={"refreshToken": first})
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()["refreshToken"]
    assert second != first

    replayed = await client.post(f"{API}/auth/refresh", json={"refreshToken": first})
    assert_error_body(replayed, 401, "Unauthorized")

    other = (await client.post(f"{API}/auth/login", json=credentials)).json()["refreshToken"]
    logged_out = await client.post(f"{API}/auth/logout", json={"refreshToken": other})
    assert logged_out.status_code == 204
    assert logged_out.content == b""
    after_logout = await client.post(f"{API}/auth/refresh", json={"refreshToken": other})
    assert_error_body(after_logout, 401, "Unauthorized")


async def test_forgot_and_reset_password(
    client: Client, container: Container, mailer: RecordingMailer, make_user: UserMaker
) -> None:
    await make_user("ana@example.com")
    assert (
        await client.post(f"{API}/auth/forgot-password", json={"email": "ana@example.com"})
    ).status_code == 202
    token = await delivered_token(container, mailer, "reset_password")

    reset = await client.post(
        f"{API}/auth/reset-password", json={"token": token, "password": "Brand9New"}
    )

    assert reset.status_code == 204
    login = await client.post(
        f"{API}/auth/login", json={"email": "ana@example.com", "password": "Brand9New"}
    )
    assert login.status_code == 200


async def test_me_profile_and_password(
    client: Client, customer_token: str, login: TokenMaker
) -> None:
    me = await client.get(f"{API}/me", headers=bearer(customer_token))
    assert me.status_code == 200
    assert_user_json(me.json())
    assert me.json()["email"] == "ana@example.com"

    renamed = await client.patch(
        f"{API}/me", json={"name": "Ana Maria"}, headers=bearer(customer_token)
    )
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Ana Maria"

    wrong = await client.post(
        f"{API}/me/password",
        json={"currentPassword": "Wrong1234", "newPassword": "Another9Pass"},
        headers=bearer(customer_token),
    )
    assert_error_body(wrong, 401, "Unauthorized")

    changed = await client.post(
        f"{API}/me/password",
        json={"currentPassword": PASSWORD, "newPassword": "Another9Pass"},
        headers=bearer(customer_token),
    )
    assert changed.status_code == 204
    assert await login("ana@example.com", "Another9Pass")


async def test_admin_lists_users_with_paging_search_and_sort(
    client: Client, admin_token: str, make_user: UserMaker
) -> None:
    for email in ("carol@example.com", "bob@example.com", "ana@example.com"):
        await make_user(email)

    page = await client.get(
        f"{API}/users?limit=2&page=1&sort=email&role=customer", headers=bearer(admin_token)
    )

    assert page.status_code == 200, page.text
    body = page.json()
    assert [u["email"] for u in body["data"]] == ["ana@example.com", "bob@example.com"]
    assert body["meta"] == {
        "page": 1,
        "limit": 2,
        "total": 3,
        "totalPages": 2,
        "totalExact": True,
        "nextCursor": body["meta"]["nextCursor"],
    }
    assert isinstance(body["meta"]["nextCursor"], str)
    for user in body["data"]:
        assert_user_json(user)
    found = await client.get(f"{API}/users?search=CAROL&active=true", headers=bearer(admin_token))
    assert [u["email"] for u in found.json()["data"]] == ["carol@example.com"]
    assert found.json()["meta"] == {
        "page": 1,
        "limit": 20,
        "total": 1,
        "totalPages": 1,
        "totalExact": True,
        "nextCursor": None,
    }


async def _emails(client: Client, token: str, url: str) -> tuple[list[str], Any]:
    response = await client.get(url, headers=bearer(token))
    assert response.status_code == 200, response.text
    return [u["email"] for u in response.json()["data"]], response.json()["meta"]


async def test_deep_user_pages_follow_the_next_cursor(
    client: Client, admin_token: str, make_user: UserMaker
) -> None:
    # Names differing only in case and missing ones: the id breaks ties.
    for n, name in enumerate(["ana", "Ana", None, "bob", "BOB", None, "Cy"]):
        await make_user(f"user{n}@example.com", name=name)
    query = f"{API}/users?limit=3&sort=-name&role=customer"
    seen: list[list[str]] = []
    metas = []
    url = query
    while url:
        emails, meta = await _emails(client, admin_token, url)
        seen.append(emails)
        metas.append(meta)
        url = f"{query}&cursor={meta['nextCursor']}" if meta["nextCursor"] else ""
        assert len(seen) < 10, "the cursor walk does not end"

    by_page = [(await _emails(client, admin_token, f"{query}&page={n}"))[0] for n in (1, 2, 3)]
    assert seen == by_page
    assert [m["page"] for m in metas] == [1, None, None]
    assert all((m["total"], m["totalExact"], m["totalPages"]) == (7, True, 3) for m in metas)
    assert metas[-1]["nextCursor"] is None


async def test_a_forged_or_misused_user_cursor_is_400_on_cursor(
    client: Client, admin_token: str, customer_token: str, make_user: UserMaker
) -> None:
    for n in range(3):
        await make_user(f"user{n}@example.com")
    _, meta = await _emails(client, admin_token, f"{API}/users?limit=1&sort=email")
    cursor = meta["nextCursor"]
    forged = "WyJlbWFpbCIsMCwidiIsNywiMSJd"  # ["email",0,"v",7,"1"]: no uuid
    cases = [
        f"cursor={forged}",
        "cursor=%00",
        "cursor=" + "A" * 2000,
        f"cursor={cursor}&page=2",
        f"cursor={cursor}&sort=-email",
        f"cursor={cursor}&sort=name",
        # Well formed, but a number where the email sort has a text.
        "sort=email&cursor=" + forged_cursor("email", 0, "v", 7, str(uuid.uuid4())),
    ]
    for query in cases:
        response = await client.get(f"{API}/users?limit=1&{query}", headers=bearer(admin_token))

        body = assert_error_body(response, 400, "BadRequest")
        assert [e["field"] for e in body["errors"]] == ["cursor"], query
    assert (await _emails(client, admin_token, f"{API}/users?limit=1&sort=email&cursor={cursor}"))[
        0
    ] == ["ana@example.com"]
    # A good cursor opens nothing to a customer.
    refused = await client.get(
        f"{API}/users?limit=1&sort=email&cursor={cursor}", headers=bearer(customer_token)
    )
    assert_error_body(refused, 403, "Forbidden")


async def test_admin_creates_reads_replaces_patches_and_deletes_a_user(
    client: Client, admin_token: str
) -> None:
    auth = bearer(admin_token)
    created = await client.post(
        f"{API}/users",
        json={"email": "Ed@Example.com", "password": PASSWORD, "role": "editor", "tier": "premium"},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert_user_json(user)
    assert (user["role"], user["tier"], user["emailVerified"]) == ("editor", "premium", True)
    url = f"{API}/users/{user['id']}"

    assert (await client.get(url, headers=auth)).json()["email"] == "ed@example.com"

    replaced = await client.put(
        url,
        json={
            "email": "ed2@example.com",
            "name": "Ed",
            "role": "customer",
            "tier": "regular",
            "active": True,
        },
        headers=auth,
    )
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["email"], replaced.json()["role"]) == ("ed2@example.com", "customer")

    incomplete = await client.put(url, json={"email": "ed3@example.com"}, headers=auth)
    assert_error_body(incomplete, 400, "BadRequest")

    patched = await client.patch(url, json={"active": False}, headers=auth)
    assert patched.status_code == 200
    assert (patched.json()["active"], patched.json()["name"]) == (False, "Ed")

    deleted = await client.delete(url, headers=auth)
    assert deleted.status_code == 204
    assert_error_body(await client.get(url, headers=auth), 404, "NotFound")


async def test_put_with_null_name_clears_it(
    client: Client, admin_token: str, make_user: UserMaker
) -> None:
    user = await make_user("bob@example.com", name="Bob")

    replaced = await client.put(
        f"{API}/users/{user['id']}",
        json={
            "email": "bob@example.com",
            "name": None,
            "role": "customer",
            "tier": "standard",
            "active": True,
        },
        headers=bearer(admin_token),
    )

    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["name"] is None


async def test_last_admin_cannot_demote_itself(
    client: Client, container: Container, admin_token: str
) -> None:
    me = (await client.get(f"{API}/me", headers=bearer(admin_token))).json()

    response = await client.patch(
        f"{API}/users/{me['id']}", json={"role": Role.CUSTOMER.value}, headers=bearer(admin_token)
    )

    assert_error_body(response, 409, "Conflict")
