"""The catalog endpoints end to end over HTTP, on the migrated SQLite database."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.integration.conftest import (
    API,
    Client,
    ProductMaker,
    assert_error_body,
    bearer,
    forged_cursor,
)

PRODUCT_FIELDS = {
    "id",
    "name",
    "description",
    "priceCents",
    "currency",
    "stock",
    "active",
    "imageIds",
    "createdAt",
    "updatedAt",
}
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
MUG = {"name": "Blue Mug", "description": "Holds tea", "priceCents": 1250, "stock": 7}


def names(response: Any) -> list[str]:
    """The product names of a list response, in order."""
    assert response.status_code == 200, response.text
    return [p["name"] for p in response.json()["data"]]


# --- create -----------------------------------------------------------------------------------


async def test_editor_creates_a_product_in_the_store_currency(
    client: Client, editor_token: str
) -> None:
    response = await client.post(f"{API}/products", json=MUG, headers=bearer(editor_token))

    assert response.status_code == 201, response.text
    product = response.json()
    assert set(product) == PRODUCT_FIELDS
    assert (product["name"], product["description"]) == ("Blue Mug", "Holds tea")
    assert (product["priceCents"], product["currency"], product["stock"]) == (1250, "USD", 7)
    assert product["active"] is True
    assert product["imageIds"] == []
    assert RFC3339_UTC.match(product["createdAt"]) and RFC3339_UTC.match(product["updatedAt"])
    fetched = await client.get(f"{API}/products/{product['id']}")
    assert fetched.json() == product


async def test_creating_a_product_needs_a_signed_in_staff_member(
    client: Client, customer_token: str
) -> None:
    anonymous = await client.post(f"{API}/products", json=MUG)
    customer = await client.post(f"{API}/products", json=MUG, headers=bearer(customer_token))

    assert_error_body(anonymous, 401, "Unauthorized")
    assert_error_body(customer, 403, "Forbidden")


async def test_price_and_stock_given_as_strings_are_400(client: Client, admin_token: str) -> None:
    response = await client.post(
        f"{API}/products",
        json={**MUG, "priceCents": "1250"},
        headers=bearer(admin_token),
    )

    body = assert_error_body(response, 400, "BadRequest")
    assert [e["field"] for e in body["errors"]] == ["priceCents"]


async def test_product_field_rules_are_400_naming_each_field(
    client: Client, admin_token: str
) -> None:
    response = await client.post(
        f"{API}/products",
        json={"name": " ", "priceCents": 0, "stock": -1},
        headers=bearer(admin_token),
    )

    body = assert_error_body(response, 400, "BadRequest")
    assert {e["field"] for e in body["errors"]} == {"name", "priceCents", "stock"}


async def test_missing_price_is_400(client: Client, admin_token: str) -> None:
    response = await client.post(
        f"{API}/products", json={"name": "Mug", "stock": 1}, headers=bearer(admin_token)
    )

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"] == [{"field": "priceCents", "message": "This field is required"}]


async def test_unknown_image_id_is_400(client: Client, admin_token: str) -> None:
    response = await client.post(
        f"{API}/products",
        json={**MUG, "imageIds": [str(uuid.uuid4())]},
        headers=bearer(admin_token),
    )

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"][0]["field"] == "imageIds"


async def test_malformed_json_and_non_json_bodies_are_refused(
    client: Client, admin_token: str
) -> None:
    headers = bearer(admin_token)

    malformed = await client.post(
        f"{API}/products",
        content=b'{"name": ',
        headers={**headers, "Content-Type": "application/json"},
    )
    form = await client.post(f"{API}/products", data={"name": "Mug"}, headers=headers)

    body = assert_error_body(malformed, 400, "BadRequest")
    assert body["message"] == "Request body is not valid JSON"
    assert_error_body(form, 415, "UnsupportedMediaType")


# --- browse -----------------------------------------------------------------------------------


async def test_anonymous_and_customers_see_only_active_products(
    client: Client, make_product: ProductMaker, customer_token: str
) -> None:
    await make_product("Shown")
    await make_product("Hidden", active=False)

    anonymous = await client.get(f"{API}/products")
    customer = await client.get(f"{API}/products", headers=bearer(customer_token))

    assert names(anonymous) == ["Shown"]
    assert names(customer) == ["Shown"]
    assert anonymous.json()["meta"] == {
        "page": 1,
        "limit": 20,
        "total": 1,
        "totalPages": 1,
        "totalExact": True,
        "nextCursor": None,
    }


async def test_staff_see_inactive_products_too(
    client: Client, make_product: ProductMaker, editor_token: str
) -> None:
    await make_product("Shown")
    await make_product("Hidden", active=False)

    response = await client.get(f"{API}/products?sort=name", headers=bearer(editor_token))

    assert names(response) == ["Hidden", "Shown"]


async def test_inactive_product_is_404_for_non_staff_but_visible_to_staff(
    client: Client, make_product: ProductMaker, customer_token: str, editor_token: str
) -> None:
    hidden = await make_product("Hidden", active=False)
    url = f"{API}/products/{hidden['id']}"

    anonymous = await client.get(url)
    customer = await client.get(url, headers=bearer(customer_token))
    staff = await client.get(url, headers=bearer(editor_token))

    assert_error_body(anonymous, 404, "NotFound")
    assert_error_body(customer, 404, "NotFound")
    assert staff.status_code == 200
    assert staff.json()["active"] is False


async def test_a_bad_token_on_the_public_catalog_is_401_not_anonymous(client: Client) -> None:
    response = await client.get(f"{API}/products", headers=bearer("not-a-token"))

    assert_error_body(response, 401, "Unauthorized")


async def test_search_price_range_and_stock_filters(
    client: Client, make_product: ProductMaker
) -> None:
    await make_product("Blue Mug", price_cents=800, stock=3)
    await make_product("Red Mug", price_cents=1500, stock=0)
    await make_product("Teapot", price_cents=3000, stock=1, description="Fits a blue mug's tea")

    searched = await client.get(f"{API}/products?search=BLUE&sort=name")
    priced = await client.get(f"{API}/products?minPrice=800&maxPrice=1500&sort=priceCents")
    stocked = await client.get(f"{API}/products?inStock=true&sort=-priceCents")

    assert names(searched) == ["Blue Mug", "Teapot"]
    assert names(priced) == ["Blue Mug", "Red Mug"]
    assert names(stocked) == ["Teapot", "Blue Mug"]


async def test_products_are_paginated(client: Client, make_product: ProductMaker) -> None:
    for index in range(5):
        await make_product(f"Product {index}")

    response = await client.get(f"{API}/products?page=2&limit=2&sort=name")

    assert names(response) == ["Product 2", "Product 3"]
    assert response.json()["meta"] == {
        "page": 2,
        "limit": 2,
        "total": 5,
        "totalPages": 3,
        "totalExact": True,
        "nextCursor": response.json()["meta"]["nextCursor"],
    }
    assert isinstance(response.json()["meta"]["nextCursor"], str)


async def test_deep_pages_follow_the_next_cursor(
    client: Client, make_product: ProductMaker
) -> None:
    for index in range(7):
        await make_product(f"Product {index}", price_cents=100 * (index % 3) + 1)
    seen: list[list[str]] = []
    metas = []
    url = f"{API}/products?limit=3&sort=-priceCents"
    while url:
        response = await client.get(url)
        seen.append(names(response))
        meta = response.json()["meta"]
        metas.append(meta)
        cursor = meta["nextCursor"]
        url = f"{API}/products?limit=3&sort=-priceCents&cursor={cursor}" if cursor else ""

    by_page = [
        names(await client.get(f"{API}/products?limit=3&sort=-priceCents&page={n}"))
        for n in (1, 2, 3)
    ]
    assert seen == by_page
    assert [m["page"] for m in metas] == [1, None, None]
    assert all((m["total"], m["totalExact"], m["totalPages"]) == (7, True, 3) for m in metas)
    assert metas[-1]["nextCursor"] is None


async def test_a_forged_or_misused_cursor_is_400_on_cursor(
    client: Client, make_product: ProductMaker
) -> None:
    for index in range(3):
        await make_product(f"Product {index}")
    first = await client.get(f"{API}/products?limit=1&sort=name")
    cursor = first.json()["meta"]["nextCursor"]
    forged = "WyJuYW1lIiwwLCJ2IiwiXHUwMDAwIiwiMSJd"  # ["name",0,"v","\u0000","1"]
    cases = [
        f"cursor={forged}",
        "cursor=%00",
        "cursor=" + "A" * 2000,
        f"cursor={cursor}&page=2",
        f"cursor={cursor}&sort=-name",
        f"cursor={cursor}&sort=priceCents",
        # Well formed, but a text where the price sort has a number: Postgres would fail.
        "sort=priceCents&cursor=" + forged_cursor("priceCents", 0, "v", "1", str(uuid.uuid4())),
        "cursor=" + forged_cursor("createdAt", 0, "v", 7, str(uuid.uuid4())),
    ]
    for query in cases:
        response = await client.get(f"{API}/products?limit=1&{query}")

        body = assert_error_body(response, 400, "BadRequest")
        assert [e["field"] for e in body["errors"]] == ["cursor"], query
    assert names(await client.get(f"{API}/products?limit=1&sort=name&cursor={cursor}")) == [
        "Product 1"
    ]


async def test_invalid_list_parameters_are_400_naming_the_parameter(client: Client) -> None:
    cases = {
        "sort=stock": "sort",
        "limit=101": "limit",
        "page=0": "page",
        "minPrice=-1": "minPrice",
        "maxPrice=abc": "maxPrice",
        "inStock=maybe": "inStock",
    }
    for query, field in cases.items():
        response = await client.get(f"{API}/products?{query}")

        body = assert_error_body(response, 400, "BadRequest")
        assert [e["field"] for e in body["errors"]] == [field], query


async def test_min_price_above_max_price_is_400(client: Client) -> None:
    response = await client.get(f"{API}/products?minPrice=500&maxPrice=100")

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"][0]["field"] == "minPrice"


async def test_malformed_product_id_is_400_and_unknown_is_404(client: Client) -> None:
    malformed = await client.get(f"{API}/products/not-a-uuid")
    unknown = await client.get(f"{API}/products/{uuid.uuid4()}")

    body = assert_error_body(malformed, 400, "BadRequest")
    assert body["errors"] == [{"field": "id", "message": "Must be a UUID"}]
    assert_error_body(unknown, 404, "NotFound")


# --- update -----------------------------------------------------------------------------------


async def test_editor_patches_only_the_given_fields(
    client: Client, make_product: ProductMaker, editor_token: str
) -> None:
    product = await make_product("Mug", price_cents=500, description="Plain")

    response = await client.patch(
        f"{API}/products/{product['id']}",
        json={"priceCents": 650, "active": False},
        headers=bearer(editor_token),
    )

    assert response.status_code == 200, response.text
    patched = response.json()
    assert (patched["name"], patched["description"]) == ("Mug", "Plain")
    assert (patched["priceCents"], patched["active"]) == (650, False)


async def test_patching_stock_is_400_pointing_to_the_stock_endpoint(
    client: Client, make_product: ProductMaker, editor_token: str
) -> None:
    product = await make_product("Mug", stock=4)

    response = await client.patch(
        f"{API}/products/{product['id']}", json={"stock": 99}, headers=bearer(editor_token)
    )

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"][0]["field"] == "stock"
    assert (await client.get(f"{API}/products/{product['id']}")).json()["stock"] == 4


async def test_patch_is_staff_only_and_404_for_unknown_products(
    client: Client, make_product: ProductMaker, customer_token: str, editor_token: str
) -> None:
    product = await make_product("Mug")

    customer = await client.patch(
        f"{API}/products/{product['id']}", json={"name": "Cup"}, headers=bearer(customer_token)
    )
    unknown = await client.patch(
        f"{API}/products/{uuid.uuid4()}", json={"name": "Cup"}, headers=bearer(editor_token)
    )

    assert_error_body(customer, 403, "Forbidden")
    assert_error_body(unknown, 404, "NotFound")


# --- stock ------------------------------------------------------------------------------------


async def test_stock_is_adjusted_up_and_down(
    client: Client, make_product: ProductMaker, editor_token: str
) -> None:
    product = await make_product("Mug", stock=3)
    url = f"{API}/products/{product['id']}/stock"

    added = await client.post(url, json={"delta": 5}, headers=bearer(editor_token))
    removed = await client.post(url, json={"delta": -8}, headers=bearer(editor_token))

    assert added.status_code == 200, added.text
    assert added.json()["stock"] == 8
    assert set(added.json()) == PRODUCT_FIELDS
    assert removed.status_code == 200
    assert removed.json()["stock"] == 0


async def test_stock_below_zero_is_409_naming_the_product(
    client: Client, make_product: ProductMaker, editor_token: str
) -> None:
    product = await make_product("Blue Mug", stock=2)

    response = await client.post(
        f"{API}/products/{product['id']}/stock", json={"delta": -3}, headers=bearer(editor_token)
    )

    body = assert_error_body(response, 409, "Conflict")
    assert "Blue Mug" in body["message"]
    assert (await client.get(f"{API}/products/{product['id']}")).json()["stock"] == 2


async def test_stock_delta_must_be_an_integer(
    client: Client, make_product: ProductMaker, editor_token: str
) -> None:
    product = await make_product("Mug")
    url = f"{API}/products/{product['id']}/stock"

    for delta in ("5", 1.5, None):
        response = await client.post(url, json={"delta": delta}, headers=bearer(editor_token))

        body = assert_error_body(response, 400, "BadRequest")
        assert body["errors"][0]["field"] == "delta", delta


async def test_stock_changes_are_staff_only_and_404_for_unknown_products(
    client: Client, make_product: ProductMaker, customer_token: str, editor_token: str
) -> None:
    product = await make_product("Mug")

    customer = await client.post(
        f"{API}/products/{product['id']}/stock", json={"delta": 1}, headers=bearer(customer_token)
    )
    unknown = await client.post(
        f"{API}/products/{uuid.uuid4()}/stock", json={"delta": 1}, headers=bearer(editor_token)
    )

    assert_error_body(customer, 403, "Forbidden")
    assert_error_body(unknown, 404, "NotFound")


# --- delete -----------------------------------------------------------------------------------


async def test_admin_deletes_a_product_never_ordered(
    client: Client, make_product: ProductMaker, admin_token: str
) -> None:
    product = await make_product("Mug")

    response = await client.delete(f"{API}/products/{product['id']}", headers=bearer(admin_token))

    assert response.status_code == 204
    gone = await client.get(f"{API}/products/{product['id']}", headers=bearer(admin_token))
    assert_error_body(gone, 404, "NotFound")


async def test_deleting_an_ordered_product_deactivates_it(
    client: Client,
    make_product: ProductMaker,
    customer_token: str,
    admin_token: str,
) -> None:
    product = await make_product("Mug", price_cents=1000)
    ordered = await client.post(
        f"{API}/orders",
        json={"items": [{"productId": product["id"], "quantity": 1}]},
        headers=bearer(customer_token),
    )
    assert ordered.status_code == 201, ordered.text

    response = await client.delete(f"{API}/products/{product['id']}", headers=bearer(admin_token))

    assert response.status_code == 204
    kept = await client.get(f"{API}/products/{product['id']}", headers=bearer(admin_token))
    assert kept.status_code == 200
    assert kept.json()["active"] is False
    assert_error_body(await client.get(f"{API}/products/{product['id']}"), 404, "NotFound")


async def test_only_admins_delete_products(
    client: Client, make_product: ProductMaker, editor_token: str
) -> None:
    product = await make_product("Mug")

    response = await client.delete(f"{API}/products/{product['id']}", headers=bearer(editor_token))

    assert_error_body(response, 403, "Forbidden")
