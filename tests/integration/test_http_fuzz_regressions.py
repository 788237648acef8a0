"""Regressions for what fuzzing the OpenAPI schema found (see test_openapi_fuzz.py)."""

from __future__ import annotations

from tests.integration.conftest import API, Client, assert_error_body, bearer


async def test_empty_user_id_filter_is_400_not_ignored(client: Client, admin_token: str) -> None:
    response = await client.get(f"{API}/orders?userId=", headers=bearer(admin_token))

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"] == [{"field": "userId", "message": "Must be a UUID"}]
