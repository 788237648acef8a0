"""Orders and sandbox payments end to end over HTTP, on the migrated SQLite database."""

from __future__ import annotations

import re
import uuid
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from domain.accounts import Tier
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.integration.conftest import (
    API,
    Client,
    ProductMaker,
    TokenMaker,
    UserMaker,
    assert_error_body,
    bearer,
    forged_cursor,
)
from tests.support.fakes import RecordingMailer

ORDER_FIELDS = {
    "id",
    "userId",
    "status",
    "items",
    "subtotalCents",
    "discountCents",
    "totalCents",
    "currency",
    "createdAt",
    "updatedAt",
}
ITEM_FIELDS = {"productId", "name", "unitPriceCents", "quantity", "lineTotalCents"}
INTENT_FIELDS = {"provider", "paymentIntentId", "clientSecret", "amountCents", "currency"}
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


@pytest.fixture
async def mug(make_product: ProductMaker) -> dict[str, Any]:
    """An active product at $6.00 with 10 in stock."""
    return await make_product("Blue Mug", price_cents=600, stock=10)


@pytest.fixture
async def other_token(make_user: UserMaker, login: TokenMaker) -> str:
    """An access token of a second customer."""
    await make_user("bob@example.com", name="Bob")
    return await login("bob@example.com")


def items(*lines: tuple[dict[str, Any], int]) -> dict[str, Any]:
    """An order body from (product, quantity) pairs."""
    return {"items": [{"productId": p["id"], "quantity": q} for p, q in lines]}


async def place(client: Client, token: str, body: dict[str, Any], **headers: str) -> Any:
    """POST /orders as the token's user."""
    return await client.post(f"{API}/orders", json=body, headers={**bearer(token), **headers})


async def placed(client: Client, token: str, body: dict[str, Any]) -> dict[str, Any]:
    """Place an order that must succeed; its JSON."""
    response = await place(client, token, body)
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order


async def stock_of(client: Client, product: dict[str, Any]) -> int:
    """The product's current stock, as the public catalog shows it."""
    response = await client.get(f"{API}/products/{product['id']}")
    assert response.status_code == 200, response.text
    return int(response.json()["stock"])


async def pay(client: Client, token: str, order_id: str) -> dict[str, Any]:
    """Start the payment and settle it through the sandbox; the intent JSON."""
    intent = await client.post(f"{API}/orders/{order_id}/payment", headers=bearer(token))
    assert intent.status_code == 201, intent.text
    settled = await client.post(
        f"{API}/sandbox/payments/{intent.json()['paymentIntentId']}/succeed"
    )
    assert settled.status_code == 200, settled.text
    result: dict[str, Any] = intent.json()
    return result


async def delivered(container: Container, mailer: RecordingMailer) -> list[str]:
    """Run the outbox dispatcher; the kinds of every email sent so far."""
    await container.messaging.dispatch_outbox()()
    return [message.kind for message in mailer.sent]


# --- placing ----------------------------------------------------------------------------------


async def test_placing_an_order_captures_prices_and_reserves_stock(
    client: Client, customer_token: str, mug: dict[str, Any], make_product: ProductMaker
) -> None:
    teapot = await make_product("Teapot", price_cents=1999, stock=2)

    response = await place(client, customer_token, items((mug, 3), (teapot, 1)))

    assert response.status_code == 201, response.text
    order = response.json()
    assert set(order) == ORDER_FIELDS
    assert order["status"] == "pending"
    assert all(set(item) == ITEM_FIELDS for item in order["items"])
    lines = {item["name"]: item for item in order["items"]}
    assert lines["Blue Mug"] == {
        "productId": mug["id"],
        "name": "Blue Mug",
        "unitPriceCents": 600,
        "quantity": 3,
        "lineTotalCents": 1800,
    }
    assert (order["subtotalCents"], order["discountCents"], order["totalCents"]) == (3799, 0, 3799)
    assert order["currency"] == "USD"
    assert RFC3339_UTC.match(order["createdAt"]) and RFC3339_UTC.match(order["updatedAt"])
    assert await stock_of(client, mug) == 7
    assert await stock_of(client, teapot) == 1


async def test_premium_customers_get_twenty_percent_off(
    client: Client, make_user: UserMaker, login: TokenMaker, mug: dict[str, Any]
) -> None:
    await make_user("pia@example.com", tier=Tier.PREMIUM)
    token = await login("pia@example.com")

    order = await placed(client, token, items((mug, 3)))

    assert (order["subtotalCents"], order["discountCents"], order["totalCents"]) == (
        1800,
        360,
        1440,
    )


async def test_later_price_changes_do_not_alter_the_order(
    client: Client, customer_token: str, editor_token: str, mug: dict[str, Any]
) -> None:
    order = await placed(client, customer_token, items((mug, 2)))

    await client.patch(
        f"{API}/products/{mug['id']}", json={"priceCents": 9999}, headers=bearer(editor_token)
    )

    fetched = await client.get(f"{API}/orders/{order['id']}", headers=bearer(customer_token))
    assert fetched.json()["items"][0]["unitPriceCents"] == 600
    assert fetched.json()["totalCents"] == 1200


async def test_placing_an_order_needs_a_signed_in_user(client: Client, mug: dict[str, Any]) -> None:
    response = await client.post(f"{API}/orders", json=items((mug, 2)))

    assert_error_body(response, 401, "Unauthorized")


async def test_insufficient_stock_is_409_naming_the_product_and_reserves_nothing(
    client: Client, customer_token: str, mug: dict[str, Any], make_product: ProductMaker
) -> None:
    scarce = await make_product("Rare Teapot", price_cents=2000, stock=1)

    response = await place(client, customer_token, items((mug, 2), (scarce, 2)))

    body = assert_error_body(response, 409, "Conflict")
    assert "Rare Teapot" in body["message"]
    assert await stock_of(client, mug) == 10
    assert await stock_of(client, scarce) == 1


async def test_subtotal_under_ten_dollars_is_422(
    client: Client, customer_token: str, mug: dict[str, Any]
) -> None:
    response = await place(client, customer_token, items((mug, 1)))

    body = assert_error_body(response, 422, "UnprocessableEntity")
    assert body["message"] == "Minimum order amount is $10"
    assert await stock_of(client, mug) == 10


async def test_unknown_and_inactive_products_are_400_naming_the_item(
    client: Client, customer_token: str, mug: dict[str, Any], make_product: ProductMaker
) -> None:
    retired = await make_product("Retired", price_cents=2000, active=False)
    unknown = {"id": str(uuid.uuid4())}

    response = await place(client, customer_token, items((mug, 2), (unknown, 1), (retired, 1)))

    body = assert_error_body(response, 400, "BadRequest")
    assert [e["field"] for e in body["errors"]] == ["items[1].productId", "items[2].productId"]


async def test_the_same_product_twice_is_400(
    client: Client, customer_token: str, mug: dict[str, Any]
) -> None:
    response = await place(client, customer_token, items((mug, 2), (mug, 1)))

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"][0]["field"] == "items[1].productId"


@pytest.mark.parametrize("quantity", [0, 101, -1])
async def test_quantity_outside_one_to_hundred_is_400(
    client: Client, customer_token: str, mug: dict[str, Any], quantity: int
) -> None:
    response = await place(client, customer_token, items((mug, quantity)))

    body = assert_error_body(response, 400, "BadRequest")
    assert body["errors"][0]["field"] == "items[0].quantity"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": [{"productId": "not-a-uuid", "quantity": 2}]}, "items[0].productId"),
        ({"items": [{"productId": str(uuid.uuid4()), "quantity": "2"}]}, "items[0].quantity"),
        ({"items": [{"productId": str(uuid.uuid4()), "quantity": 2.5}]}, "items[0].quantity"),
        ({"items": [{"productId": str(uuid.uuid4())}]}, "items[0].quantity"),
        ({"items": []}, "items"),
        ({}, "items"),
    ],
)
async def test_malformed_items_are_400_naming_the_field(
    client: Client, customer_token: str, body: dict[str, Any], field: str
) -> None:
    response = await place(client, customer_token, body)

    error = assert_error_body(response, 400, "BadRequest")
    assert error["errors"][0]["field"] == field


# --- idempotency ------------------------------------------------------------------------------


async def test_same_idempotency_key_returns_the_same_order_and_reserves_once(
    client: Client, customer_token: str, mug: dict[str, Any]
) -> None:
    first = await place(client, customer_token, items((mug, 2)), **{"Idempotency-Key": "k-1"})
    second = await place(client, customer_token, items((mug, 2)), **{"Idempotency-Key": "k-1"})

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] == second.json()["id"]
    assert await stock_of(client, mug) == 8
    listed = await client.get(f"{API}/orders", headers=bearer(customer_token))
    assert listed.json()["meta"]["total"] == 1


async def test_idempotency_keys_are_per_user(
    client: Client, customer_token: str, other_token: str, mug: dict[str, Any]
) -> None:
    mine = await place(client, customer_token, items((mug, 2)), **{"Idempotency-Key": "same"})
    theirs = await place(client, other_token, items((mug, 2)), **{"Idempotency-Key": "same"})

    assert mine.json()["id"] != theirs.json()["id"]
    assert await stock_of(client, mug) == 6


async def test_an_overlong_idempotency_key_is_400(
    client: Client, customer_token: str, mug: dict[str, Any]
) -> None:
    response = await place(
        client, customer_token, items((mug, 2)), **{"Idempotency-Key": "k" * 300}
    )

    assert_error_body(response, 400, "BadRequest")
    assert await stock_of(client, mug) == 10


# --- reading ----------------------------------------------------------------------------------


async def test_orders_are_visible_to_their_owner_and_admins_only(
    client: Client, customer_token: str, other_token: str, admin_token: str, mug: dict[str, Any]
) -> None:
    order = await placed(client, customer_token, items((mug, 2)))
    url = f"{API}/orders/{order['id']}"

    owner = await client.get(url, headers=bearer(customer_token))
    admin = await client.get(url, headers=bearer(admin_token))
    stranger = await client.get(url, headers=bearer(other_token))
    anonymous = await client.get(url)

    assert owner.json() == order
    assert admin.json() == order
    assert_error_body(stranger, 404, "NotFound")
    assert_error_body(anonymous, 401, "Unauthorized")


async def test_malformed_order_id_is_400_and_unknown_is_404(
    client: Client, customer_token: str
) -> None:
    malformed = await client.get(f"{API}/orders/123", headers=bearer(customer_token))
    unknown = await client.get(f"{API}/orders/{uuid.uuid4()}", headers=bearer(customer_token))

    body = assert_error_body(malformed, 400, "BadRequest")
    assert body["errors"] == [{"field": "id", "message": "Must be a UUID"}]
    assert_error_body(unknown, 404, "NotFound")


async def test_customers_list_only_their_own_orders(
    client: Client, customer_token: str, other_token: str, mug: dict[str, Any]
) -> None:
    mine = await placed(client, customer_token, items((mug, 2)))
    await placed(client, other_token, items((mug, 3)))

    response = await client.get(
        f"{API}/orders?userId={uuid.uuid4()}", headers=bearer(customer_token)
    )

    assert response.status_code == 200, response.text
    assert [o["id"] for o in response.json()["data"]] == [mine["id"]]
    assert response.json()["meta"] == {
        "page": 1,
        "limit": 20,
        "total": 1,
        "totalPages": 1,
        "totalExact": True,
        "nextCursor": None,
    }


async def test_admins_list_all_orders_and_filter_by_user_and_status(
    client: Client,
    customer_token: str,
    other_token: str,
    admin_token: str,
    mug: dict[str, Any],
) -> None:
    first = await placed(client, customer_token, items((mug, 2)))
    second = await placed(client, customer_token, items((mug, 3)))
    theirs = await placed(client, other_token, items((mug, 4)))
    await client.post(f"{API}/orders/{first['id']}/cancel", headers=bearer(customer_token))
    admin = bearer(admin_token)

    everything = await client.get(f"{API}/orders?sort=totalCents", headers=admin)
    ana = await client.get(f"{API}/orders?userId={first['userId']}", headers=admin)
    pending = await client.get(f"{API}/orders?status=pending&sort=-totalCents", headers=admin)

    assert [o["id"] for o in everything.json()["data"]] == [first["id"], second["id"], theirs["id"]]
    assert {o["id"] for o in ana.json()["data"]} == {first["id"], second["id"]}
    assert [o["id"] for o in pending.json()["data"]] == [theirs["id"], second["id"]]


async def test_invalid_order_list_parameters_are_400_naming_the_parameter(
    client: Client, admin_token: str
) -> None:
    cases = {
        "sort=name": "sort",
        "limit=101": "limit",
        "userId=nope": "userId",
        "status=lost": "status",
    }
    for query, field in cases.items():
        response = await client.get(f"{API}/orders?{query}", headers=bearer(admin_token))

        body = assert_error_body(response, 400, "BadRequest")
        assert [e["field"] for e in body["errors"]] == [field], query


async def _walk(client: Client, token: str, query: str) -> tuple[list[list[str]], list[Any]]:
    """The order ids of every page by next cursor, and each page's meta."""
    seen: list[list[str]] = []
    metas: list[Any] = []
    url = f"{API}/orders?{query}"
    while url:
        response = await client.get(url, headers=bearer(token))
        assert response.status_code == 200, response.text
        seen.append([o["id"] for o in response.json()["data"]])
        metas.append(response.json()["meta"])
        cursor = metas[-1]["nextCursor"]
        url = f"{API}/orders?{query}&cursor={cursor}" if cursor else ""
        assert len(seen) < 20, "the cursor walk does not end"
    return seen, metas


async def test_deep_order_pages_follow_the_next_cursor(
    client: Client,
    customer_token: str,
    other_token: str,
    make_product: ProductMaker,
) -> None:
    mug = await make_product("Big Mug", price_cents=600, stock=100)
    # Shared totals, so the id breaks ties; another customer's orders in between.
    for quantity in (2, 3, 4, 2, 3, 4, 2):
        await placed(client, customer_token, items((mug, quantity)))
        await placed(client, other_token, items((mug, 2)))
    query = "limit=3&sort=-totalCents"

    seen, metas = await _walk(client, customer_token, query)

    by_page = [
        [
            o["id"]
            for o in (
                await client.get(f"{API}/orders?{query}&page={n}", headers=bearer(customer_token))
            ).json()["data"]
        ]
        for n in (1, 2, 3)
    ]
    assert seen == by_page
    assert [m["page"] for m in metas] == [1, None, None]
    assert all((m["total"], m["totalExact"], m["totalPages"]) == (7, True, 3) for m in metas)
    assert metas[-1]["nextCursor"] is None


async def test_a_cursor_cannot_reveal_another_customers_orders(
    client: Client,
    customer_token: str,
    other_token: str,
    admin_token: str,
    make_product: ProductMaker,
) -> None:
    mug = await make_product("Big Mug", price_cents=600, stock=100)
    anas = [(await placed(client, customer_token, items((mug, 2))))["id"] for _ in range(3)]
    for _ in range(3):
        await placed(client, other_token, items((mug, 2)))
    # The admin's first page of everyone's orders is Bob's newest; its cursor points into
    # Bob's orders.
    everyone = await client.get(f"{API}/orders?limit=1", headers=bearer(admin_token))
    cursor = everyone.json()["meta"]["nextCursor"]

    bobs_place = await client.get(
        f"{API}/orders?limit=10&cursor={cursor}", headers=bearer(customer_token)
    )
    with_bobs_id = await client.get(
        f"{API}/orders?limit=10&cursor={cursor}&userId={everyone.json()['data'][0]['userId']}",
        headers=bearer(customer_token),
    )

    assert bobs_place.status_code == 200, bobs_place.text
    assert [o["id"] for o in bobs_place.json()["data"]] == list(reversed(anas))
    assert [o["id"] for o in with_bobs_id.json()["data"]] == list(reversed(anas))
    assert (bobs_place.json()["meta"]["page"], bobs_place.json()["meta"]["total"]) == (None, 3)


async def test_a_forged_or_misused_order_cursor_is_400_on_cursor(
    client: Client, customer_token: str, make_product: ProductMaker
) -> None:
    mug = await make_product("Big Mug", price_cents=600, stock=100)
    for _ in range(3):
        await placed(client, customer_token, items((mug, 2)))
    first = await client.get(f"{API}/orders?limit=1", headers=bearer(customer_token))
    cursor = first.json()["meta"]["nextCursor"]
    forged = (
        "WyJjcmVhdGVkQXQiLDEsImQiLCJ5ZXN0ZXJkYXkiLCIxIl0"  # ["createdAt",1,"d","yesterday","1"]
    )
    cases = [
        f"cursor={forged}",
        "cursor=%00",
        "cursor=" + "A" * 2000,
        f"cursor={cursor}&page=2",
        f"cursor={cursor}&sort=createdAt",
        f"cursor={cursor}&sort=-totalCents",
        # Well formed, but a text where the total sort has a number: Postgres would fail.
        "sort=-totalCents&cursor=" + forged_cursor("totalCents", 1, "v", "9", str(uuid.uuid4())),
    ]
    for query in cases:
        response = await client.get(f"{API}/orders?limit=1&{query}", headers=bearer(customer_token))

        body = assert_error_body(response, 400, "BadRequest")
        assert [e["field"] for e in body["errors"]] == ["cursor"], query
    second = await client.get(
        f"{API}/orders?limit=1&cursor={cursor}", headers=bearer(customer_token)
    )
    assert second.status_code == 200, second.text
    assert second.json()["data"][0]["id"] != first.json()["data"][0]["id"]


# --- cancelling and the status machine ---------------------------------------------------------


async def test_cancelling_a_pending_order_releases_its_stock(
    client: Client, customer_token: str, mug: dict[str, Any]
) -> None:
    order = await placed(client, customer_token, items((mug, 4)))
    assert await stock_of(client, mug) == 6

    response = await client.post(
        f"{API}/orders/{order['id']}/cancel", headers=bearer(customer_token)
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    assert await stock_of(client, mug) == 10
    again = await client.post(f"{API}/orders/{order['id']}/cancel", headers=bearer(customer_token))
    assert_error_body(again, 409, "Conflict")


async def test_admins_cancel_any_order_but_other_customers_get_404(
    client: Client, customer_token: str, other_token: str, admin_token: str, mug: dict[str, Any]
) -> None:
    order = await placed(client, customer_token, items((mug, 2)))
    url = f"{API}/orders/{order['id']}/cancel"

    stranger = await client.post(url, headers=bearer(other_token))
    admin = await client.post(url, headers=bearer(admin_token))

    assert_error_body(stranger, 404, "NotFound")
    assert admin.status_code == 200
    assert admin.json()["status"] == "cancelled"


async def test_a_pending_order_cannot_be_shipped_or_refunded(
    client: Client, customer_token: str, admin_token: str, mug: dict[str, Any]
) -> None:
    order = await placed(client, customer_token, items((mug, 2)))

    ship = await client.post(f"{API}/orders/{order['id']}/ship", headers=bearer(admin_token))
    refund = await client.post(f"{API}/orders/{order['id']}/refund", headers=bearer(admin_token))

    assert_error_body(ship, 409, "Conflict")
    assert_error_body(refund, 409, "Conflict")


async def test_a_paid_order_cannot_be_cancelled_or_paid_again(
    client: Client, customer_token: str, mug: dict[str, Any]
) -> None:
    order = await placed(client, customer_token, items((mug, 2)))
    await pay(client, customer_token, order["id"])

    cancel = await client.post(f"{API}/orders/{order['id']}/cancel", headers=bearer(customer_token))
    payment = await client.post(
        f"{API}/orders/{order['id']}/payment", headers=bearer(customer_token)
    )

    assert_error_body(cancel, 409, "Conflict")
    assert_error_body(payment, 409, "Conflict")


async def test_shipping_and_refunding_are_for_staff(
    client: Client,
    customer_token: str,
    editor_token: str,
    mug: dict[str, Any],
) -> None:
    order = await placed(client, customer_token, items((mug, 2)))
    await pay(client, customer_token, order["id"])

    customer_ship = await client.post(
        f"{API}/orders/{order['id']}/ship", headers=bearer(customer_token)
    )
    editor_refund = await client.post(
        f"{API}/orders/{order['id']}/refund", headers=bearer(editor_token)
    )
    anonymous = await client.post(f"{API}/orders/{order['id']}/ship")

    assert_error_body(customer_ship, 403, "Forbidden")
    assert_error_body(editor_refund, 403, "Forbidden")
    assert_error_body(anonymous, 401, "Unauthorized")


# --- payments ---------------------------------------------------------------------------------


async def test_starting_a_payment_twice_returns_the_same_intent(
    client: Client, customer_token: str, mug: dict[str, Any]
) -> None:
    order = await placed(client, customer_token, items((mug, 2)))
    url = f"{API}/orders/{order['id']}/payment"

    first = await client.post(url, headers=bearer(customer_token))
    second = await client.post(url, headers=bearer(customer_token))

    assert (first.status_code, second.status_code) == (201, 201)
    intent = first.json()
    assert set(intent) == INTENT_FIELDS
    assert intent["provider"] == "sandbox"
    assert (intent["amountCents"], intent["currency"]) == (1200, "USD")
    assert intent["clientSecret"]
    assert second.json() == intent


async def test_only_the_owner_starts_a_payment(
    client: Client, customer_token: str, admin_token: str, mug: dict[str, Any]
) -> None:
    order = await placed(client, customer_token, items((mug, 2)))

    response = await client.post(f"{API}/orders/{order['id']}/payment", headers=bearer(admin_token))

    assert_error_body(response, 404, "NotFound")


async def test_a_cancelled_order_cannot_be_paid(
    client: Client, customer_token: str, mug: dict[str, Any]
) -> None:
    order = await placed(client, customer_token, items((mug, 2)))
    await client.post(f"{API}/orders/{order['id']}/cancel", headers=bearer(customer_token))

    response = await client.post(
        f"{API}/orders/{order['id']}/payment", headers=bearer(customer_token)
    )

    assert_error_body(response, 409, "Conflict")


async def test_sandbox_order_is_paid_shipped_and_refunded_with_an_email_each_time(
    client: Client,
    container: Container,
    mailer: RecordingMailer,
    customer_token: str,
    editor_token: str,
    admin_token: str,
    mug: dict[str, Any],
) -> None:
    order = await placed(client, customer_token, items((mug, 2)))
    url = f"{API}/orders/{order['id']}"
    intent = await client.post(f"{url}/payment", headers=bearer(customer_token))

    succeeded = await client.post(
        f"{API}/sandbox/payments/{intent.json()['paymentIntentId']}/succeed"
    )

    assert succeeded.status_code == 200, succeeded.text
    assert succeeded.json() == {"received": True, "outcome": "applied"}
    paid = await client.get(url, headers=bearer(customer_token))
    assert paid.json()["status"] == "paid"
    assert await delivered(container, mailer) == ["order_confirmation"]
    assert mailer.sent[0].to == "ana@example.com"
    assert order["id"] in mailer.sent[0].text_body

    shipped = await client.post(f"{url}/ship", headers=bearer(editor_token))

    assert shipped.status_code == 200, shipped.text
    assert shipped.json()["status"] == "shipped"
    assert await delivered(container, mailer) == ["order_confirmation", "order_shipped"]

    refunded = await client.post(f"{url}/refund", headers=bearer(admin_token))

    assert refunded.status_code == 200, refunded.text
    assert refunded.json()["status"] == "refunded"
    assert await delivered(container, mailer) == [
        "order_confirmation",
        "order_shipped",
        "order_refunded",
    ]
    assert await stock_of(client, mug) == 8


async def test_a_failed_sandbox_payment_leaves_the_order_pending_and_payable(
    client: Client, container: Container, mailer: RecordingMailer, customer_token: str, mug: Any
) -> None:
    order = await placed(client, customer_token, items((mug, 2)))
    intent = await client.post(
        f"{API}/orders/{order['id']}/payment", headers=bearer(customer_token)
    )
    intent_id = intent.json()["paymentIntentId"]

    failed = await client.post(f"{API}/sandbox/payments/{intent_id}/fail")

    assert failed.status_code == 200, failed.text
    assert failed.json()["received"] is True
    still = await client.get(f"{API}/orders/{order['id']}", headers=bearer(customer_token))
    assert still.json()["status"] == "pending"
    assert await delivered(container, mailer) == []
    retried = await client.post(f"{API}/sandbox/payments/{intent_id}/succeed")
    assert retried.json()["outcome"] == "applied"


async def test_settling_a_paid_order_again_changes_nothing(
    client: Client, container: Container, mailer: RecordingMailer, customer_token: str, mug: Any
) -> None:
    order = await placed(client, customer_token, items((mug, 2)))
    intent = await pay(client, customer_token, order["id"])

    again = await client.post(f"{API}/sandbox/payments/{intent['paymentIntentId']}/succeed")

    assert again.status_code == 200
    assert again.json() == {"received": True, "outcome": "unchanged"}
    assert await delivered(container, mailer) == ["order_confirmation"]


async def test_unknown_sandbox_intent_is_404(client: Client) -> None:
    response = await client.post(f"{API}/sandbox/payments/pi_sandbox_nope/succeed")

    assert_error_body(response, 404, "NotFound")


async def test_sandbox_routes_never_exist_in_production(container: Container) -> None:
    # Even Settings built past load_settings (which refuses it) never mount the sandbox.
    settings = msgspec.structs.replace(container.settings(), app_env="production")
    container.settings.override(settings)

    async with AsyncTestClient(app=create_app(container)) as client:
        schema = (await client.get("/schema/openapi.json")).json()

    assert not [path for path in schema["paths"] if "/sandbox/" in path]
