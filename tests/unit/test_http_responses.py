"""Response bodies are copied from views by field name, and list pages share one generic shape
that OpenAPI still names per resource."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

import msgspec
import pytest
from litestar import Litestar, get

from application.accounts.views import AuthSession, UserView
from application.catalog.views import ProductView
from application.ordering.views import OrderLineView, OrderView, PaymentIntentView
from application.shared.paging import Page
from domain.accounts import Role, Tier
from domain.ordering import OrderStatus
from entrypoints.http.accounts.schemas import LoginResponse, UserPage, UserResponse
from entrypoints.http.catalog.schemas import ProductPage, ProductResponse
from entrypoints.http.ordering.schemas import (
    OrderItemResponse,
    OrderPage,
    OrderResponse,
    PaymentIntentResponse,
)
from entrypoints.http.schemas import ViewResponse

NOW = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


def _user(created_at: datetime = NOW) -> UserView:
    return UserView(
        id=uuid4(),
        email="ana@example.com",
        name="Ana",
        role=Role.CUSTOMER,
        tier=Tier.STANDARD,
        email_verified=True,
        active=True,
        created_at=created_at,
        updated_at=NOW,
    )


@pytest.mark.parametrize(
    ("response", "view"),
    [
        (UserResponse, UserView),
        (LoginResponse, AuthSession),
        (ProductResponse, ProductView),
        (OrderResponse, OrderView),
        (OrderItemResponse, OrderLineView),
        (PaymentIntentResponse, PaymentIntentView),
    ],
)
def test_every_response_field_is_an_attribute_of_its_view(
    response: type[ViewResponse], view: type[Any]
) -> None:
    fields = {f.name for f in msgspec.structs.fields(response)}

    assert fields <= {f.name for f in dataclasses.fields(view)}


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 1, 31, 12, 0),
        datetime(2026, 1, 31, 14, 0, tzinfo=timezone(timedelta(hours=2))),
    ],
)
def test_instants_are_sent_in_utc_whatever_zone_the_view_carries(moment: datetime) -> None:
    body = msgspec.json.decode(msgspec.json.encode(UserResponse.from_view(_user(moment))))

    assert body["createdAt"] == "2026-01-31T12:00:00Z"


def test_a_response_carries_the_views_values_under_camel_case_names() -> None:
    line = OrderLineView(uuid4(), "Blue Mug", 1500, 2, 3000)
    order = OrderView(uuid4(), uuid4(), OrderStatus.PAID, (line,), 3000, 0, 3000, "USD", NOW, NOW)

    body = msgspec.json.decode(msgspec.json.encode(OrderResponse.from_view(order)))

    assert body["items"] == [
        {
            "productId": str(line.product_id),
            "name": "Blue Mug",
            "unitPriceCents": 1500,
            "quantity": 2,
            "lineTotalCents": 3000,
        }
    ]
    assert (body["status"], body["totalCents"], body["userId"]) == (
        "paid",
        3000,
        str(order.user_id),
    )


def test_a_page_maps_its_items_and_totals() -> None:
    users = [_user(), _user()]

    page = UserPage.from_page(Page(items=users, page=2, limit=2, total=5))

    assert [u.id for u in page.data] == [u.id for u in users]
    assert all(isinstance(u, UserResponse) for u in page.data)
    assert (page.meta.page, page.meta.limit, page.meta.total, page.meta.total_pages) == (2, 2, 5, 3)


def test_each_resource_page_is_an_openapi_component_of_its_own_name() -> None:
    @get("/users", sync_to_thread=False)
    def users() -> UserPage:
        raise NotImplementedError

    @get("/products", sync_to_thread=False)
    def products() -> ProductPage:
        raise NotImplementedError

    @get("/orders", sync_to_thread=False)
    def orders() -> OrderPage:
        raise NotImplementedError

    app = Litestar([users, products, orders])
    schemas = app.openapi_schema.to_schema()["components"]["schemas"]

    for page, item in [
        ("UserPage", "UserResponse"),
        ("ProductPage", "ProductResponse"),
        ("OrderPage", "OrderResponse"),
    ]:
        assert schemas[page]["title"] == page
        assert schemas[page]["properties"]["data"]["items"] == {
            "$ref": f"#/components/schemas/{item}"
        }
        assert schemas[page]["properties"]["meta"] == {"$ref": "#/components/schemas/PageMeta"}
