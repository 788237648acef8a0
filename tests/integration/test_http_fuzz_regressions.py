"""Regressions for what fuzzing the OpenAPI schema found (see test_openapi_fuzz.py)."""

from __future__ import annotations

from tests.integration.conftest import API, Client, assert_error_body, bearer


async def test_empty_user_id_filter_is_400_not_ignored(client: Client, admin_token: str) -> None:
    response = await client.get(f"{API}/orders?userId=", headers=bearer(admin_token))

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"] == [{"field": "userId", "message": "Must be a UUID"}]


async def test_paging_and_price_bounds_are_documented(client: Client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()

    for path in ("/users", "/products", "/orders"):
        parameters = {
            p["name"]: p["schema"] for p in schema["paths"][API + path]["get"]["parameters"]
        }
        assert parameters["page"]["minimum"] == 1, path
        assert (parameters["limit"]["minimum"], parameters["limit"]["maximum"]) == (1, 100), path
    products = {
        p["name"]: p["schema"] for p in schema["paths"][API + "/products"]["get"]["parameters"]
    }
    assert products["minPrice"]["minimum"] == products["maxPrice"]["minimum"] == 0
    create = schema["components"]["schemas"]["CreateProductRequest"]["properties"]
    assert (create["priceCents"]["minimum"], create["stock"]["minimum"]) == (1, 0)


async def test_a_protected_route_answers_401_before_looking_at_the_body(client: Client) -> None:
    product = "/api/v1/products/00000000-0000-0000-0000-000000000000/stock"

    wrong_type = await client.post(product, json={"delta": 1.5})
    malformed = await client.post(
        product, content=b'{"delta": ', headers={"Content-Type": "application/json"}
    )
    bad_token = await client.post(product, json={"delta": 1.5}, headers=bearer("not-a-token"))

    for response in (wrong_type, malformed, bad_token):
        assert_error_body(response, 401, "Unauthorized")
