"""Every failure answers with the docs/api.md error body and the right status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dependency_injector import providers

from adapters.clock import FrozenClock
from entrypoints.containers import Container
from tests.integration.conftest import (
    API,
    PASSWORD,
    Client,
    UserMaker,
    assert_error_body,
    bearer,
)

JSON = {"Content-Type": "application/json"}


async def test_malformed_json_is_400(client: Client) -> None:
    response = await client.post(f"{API}/auth/register", content=b'{"email": ', headers=JSON)

    body = assert_error_body(response, 400, "BadRequest")
    assert body["message"] == "Request body is not valid JSON"


async def test_missing_field_is_400_naming_the_field(client: Client) -> None:
    response = await client.post(f"{API}/auth/register", json={"email": "ana@example.com"})

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"] == [{"field": "password", "message": "This field is required"}]


async def test_missing_body_is_400(client: Client) -> None:
    response = await client.post(f"{API}/auth/login")

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"][0]["field"] == "body"


async def test_wrong_type_is_400_naming_the_wire_field(client: Client) -> None:
    response = await client.post(f"{API}/auth/login", json={"email": 12, "password": PASSWORD})

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"] == [{"field": "email", "message": "Expected `str`, got `int`"}]


async def test_strings_are_not_taken_for_booleans_or_numbers(
    client: Client, make_user: UserMaker, admin_token: str
) -> None:
    user = await make_user("ana@example.com")

    response = await client.patch(
        f"{API}/users/{user['id']}", json={"active": "false"}, headers=bearer(admin_token)
    )

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"] == [{"field": "active", "message": "Expected `bool | null`, got `str`"}]
    profile = await client.get(f"{API}/users/{user['id']}", headers=bearer(admin_token))
    assert profile.json()["active"] is True


async def test_camel_case_body_fields_are_named_as_sent(client: Client) -> None:
    response = await client.post(f"{API}/auth/refresh", json={"refreshToken": ["x"]})

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"][0]["field"] == "refreshToken"


async def test_field_rule_violation_is_400_with_field_error(client: Client) -> None:
    response = await client.post(
        f"{API}/auth/register", json={"email": "ana@example.com", "password": "short"}
    )

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"][0]["field"] == "password"


async def test_invalid_enum_in_body_is_400(client: Client, admin_token: str) -> None:
    response = await client.post(
        f"{API}/users",
        json={"email": "bob@example.com", "password": PASSWORD, "role": "god"},
        headers=bearer(admin_token),
    )

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"][0]["field"] == "role"


async def test_invalid_enum_in_query_is_400(client: Client, admin_token: str) -> None:
    response = await client.get(f"{API}/users?role=god", headers=bearer(admin_token))

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"][0]["field"] == "role"


async def test_unknown_sort_field_is_400(client: Client, admin_token: str) -> None:
    response = await client.get(f"{API}/users?sort=-password", headers=bearer(admin_token))

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"][0]["field"] == "sort"


async def test_out_of_range_paging_is_400_for_each_field(client: Client, admin_token: str) -> None:
    response = await client.get(f"{API}/users?page=0&limit=101", headers=bearer(admin_token))

    body = assert_error_body(response, 400, "BadRequest")
    assert {e["field"] for e in body["errors"]} == {"page", "limit"}


async def test_non_integer_page_is_400(client: Client, admin_token: str) -> None:
    response = await client.get(f"{API}/users?page=two", headers=bearer(admin_token))

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"][0]["field"] == "page"


async def test_non_json_content_type_is_415(client: Client) -> None:
    response = await client.post(
        f"{API}/auth/login",
        content=b"email=a&password=b",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert_error_body(response, 415, "UnsupportedMediaType")


async def test_oversized_body_is_413(client: Client) -> None:
    huge = b'{"email": "' + b"a" * 200_000 + b'"}'

    response = await client.post(f"{API}/auth/forgot-password", content=huge, headers=JSON)

    assert_error_body(response, 413, "PayloadTooLarge")


async def test_missing_token_is_401_with_challenge(client: Client) -> None:
    response = await client.get(f"{API}/me")

    assert_error_body(response, 401, "Unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_malformed_authorization_headers_are_401(client: Client) -> None:
    for header in ("Basic YWxhZGRpbjpvcGVuc2VzYW1l", "Bearer", "Bearer a b", "token"):
        response = await client.get(f"{API}/me", headers={"Authorization": header})

        assert_error_body(response, 401, "Unauthorized")
        assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_garbage_token_is_401(client: Client) -> None:
    response = await client.get(f"{API}/me", headers=bearer("not.a.jwt"))

    assert_error_body(response, 401, "Unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_expired_token_is_401(
    client: Client, container: Container, customer_token: str
) -> None:
    later = FrozenClock(datetime.now(UTC) + timedelta(days=1))
    container.core.clock.override(providers.Object(later))

    response = await client.get(f"{API}/me", headers=bearer(customer_token))

    assert_error_body(response, 401, "Unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_customer_on_admin_endpoint_is_403(client: Client, customer_token: str) -> None:
    response = await client.get(f"{API}/users", headers=bearer(customer_token))

    assert_error_body(response, 403, "Forbidden")


async def test_unknown_route_is_404(client: Client) -> None:
    response = await client.get(f"{API}/nothing-here")

    assert_error_body(response, 404, "NotFound")


async def test_unknown_user_id_is_404(client: Client, admin_token: str) -> None:
    response = await client.get(
        f"{API}/users/6a1f8c5e-2d0b-4c9e-9a51-0f3d2b7c8e11", headers=bearer(admin_token)
    )

    body = assert_error_body(response, 404, "NotFound")
    assert body["message"] == "User not found"


async def test_malformed_user_id_is_400_naming_the_id(client: Client, admin_token: str) -> None:
    response = await client.get(f"{API}/users/not-a-uuid", headers=bearer(admin_token))

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"][0]["field"] == "id"


async def test_wrong_method_is_405(client: Client) -> None:
    response = await client.delete(f"{API}/auth/login")

    assert_error_body(response, 405, "MethodNotAllowed")
    assert "POST" in response.headers["Allow"]


async def test_duplicate_email_is_409_case_insensitively(
    client: Client, make_user: UserMaker
) -> None:
    await make_user("ana@example.com")

    response = await client.post(
        f"{API}/auth/register", json={"email": "ANA@Example.com", "password": PASSWORD}
    )

    body = assert_error_body(response, 409, "Conflict")
    assert body["message"] == "User already exists"


async def test_sixth_login_after_five_failures_is_429_with_retry_after(
    client: Client, make_user: UserMaker
) -> None:
    await make_user("ana@example.com")
    wrong = {"email": "ana@example.com", "password": "Wrong1234"}
    for _ in range(5):
        assert (await client.post(f"{API}/auth/login", json=wrong)).status_code == 401

    response = await client.post(
        f"{API}/auth/login", json={"email": "ana@example.com", "password": PASSWORD}
    )

    assert_error_body(response, 429, "TooManyRequests")
    assert int(response.headers["Retry-After"]) > 0


async def test_unexpected_failure_is_500_without_detail(
    client: Client, container: Container
) -> None:
    async def explode(*args: object) -> None:
        raise RuntimeError("secret detail")

    container.accounts.forgot_password.override(providers.Object(explode))

    response = await client.post(f"{API}/auth/forgot-password", json={"email": "a@example.com"})

    body = assert_error_body(response, 500, "InternalServerError")
    assert "secret detail" not in response.text
    assert "Traceback" not in response.text
    assert body["message"] == "An unexpected error occurred"


async def test_unreachable_database_during_a_request_is_503(
    client: Client, container: Container
) -> None:
    async def unreachable(*args: object) -> None:
        raise ConnectionRefusedError("db.internal:5432 refused")

    container.accounts.forgot_password.override(providers.Object(unreachable))

    response = await client.post(f"{API}/auth/forgot-password", json={"email": "a@example.com"})

    assert_error_body(response, 503, "ServiceUnavailable")
    assert "db.internal" not in response.text
