"""Request and response bodies of the order, payment and webhook endpoints (camelCase)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from application.ordering.views import EventOutcome
from domain.ordering import MAX_DISTINCT_PRODUCTS, MAX_QUANTITY, OrderStatus
from entrypoints.http.schemas import PageResponse, ViewResponse

# Wire limits only stop absurd payloads; the domain applies the real rules (1..50 products,
# quantity 1..100, no product twice) and names the failing item.
MAX_WIRE_ITEMS = MAX_DISTINCT_PRODUCTS * 4
Quantity = Annotated[
    int,
    msgspec.Meta(
        ge=-(2**31),
        le=2**31 - 1,
        description=f"Units of the product, 1..{MAX_QUANTITY}.",
        examples=[2],
        # The domain applies 1..MAX_QUANTITY and names the item; the wire bound only stops
        # integers no column holds.
        extra_json_schema={"extra": {"minimum": 1, "maximum": MAX_QUANTITY}},
    ),
]


# --- requests ---------------------------------------------------------------------------------


class OrderItemRequest(msgspec.Struct, rename="camel"):
    """A product and how many of it."""

    product_id: UUID
    quantity: Quantity


class PlaceOrderRequest(msgspec.Struct, rename="camel"):
    """The products a customer orders."""

    items: Annotated[
        list[OrderItemRequest],
        msgspec.Meta(
            max_length=MAX_WIRE_ITEMS,
            description=f"1 to {MAX_DISTINCT_PRODUCTS} distinct products.",
            extra_json_schema={"extra": {"min_items": 1, "max_items": MAX_DISTINCT_PRODUCTS}},
        ),
    ]


# --- responses --------------------------------------------------------------------------------


class OrderItemResponse(ViewResponse, rename="camel"):
    """One line of an order, priced as at order time."""

    product_id: UUID
    name: str
    unit_price_cents: int
    quantity: int
    line_total_cents: int


class OrderResponse(ViewResponse, rename="camel"):
    """An order and its money, in minor units of its currency."""

    id: UUID
    user_id: UUID
    status: OrderStatus
    # The view's `lines`, sent as `items` (the name the request uses).
    lines: list[OrderItemResponse] = msgspec.field(name="items")
    subtotal_cents: int
    discount_cents: int
    total_cents: int
    currency: str
    created_at: datetime
    updated_at: datetime


class OrderPage(PageResponse[OrderResponse]):
    """One page of orders."""


class PaymentIntentResponse(ViewResponse, rename="camel"):
    """What a client needs to pay an order with the provider (e.g. Stripe.js)."""

    provider: str
    payment_intent_id: str
    client_secret: str
    amount_cents: int
    currency: str


class EventReceipt(msgspec.Struct, rename="camel"):
    """A provider event was received; `outcome` says what handling it did."""

    received: bool
    outcome: Annotated[
        EventOutcome,
        msgspec.Meta(
            description="applied: changed the order or payment; duplicate: this event id was "
            "already processed; ignored: an event type or intent the store does not act on; "
            "mismatch: amount or currency differ, the order is not marked paid; "
            "order_not_pending: paid after cancellation, staff should refund; unchanged: the "
            "order is already past this event."
        ),
    ]

    @classmethod
    def of(cls, outcome: EventOutcome) -> EventReceipt:
        """The receipt for one handled event."""
        return cls(received=True, outcome=outcome)
