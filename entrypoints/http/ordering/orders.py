"""Orders: customers place, see, cancel and pay theirs; staff ship and refund."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromQuery, HeaderParameter, JSONBody, QueryParameter

from application.ordering.cancel_order import CancelOrder
from application.ordering.commands import ListOrdersQuery, PlaceOrderCommand
from application.ordering.get_order import GetOrder
from application.ordering.list_orders import ListOrders
from application.ordering.place_order import PlaceOrder
from application.ordering.ports import ORDER_SORT_FIELDS
from application.ordering.refund_order import RefundOrder
from application.ordering.ship_order import ShipOrder
from application.ordering.start_payment import StartPayment
from application.shared.actor import Actor
from application.shared.paging import PageRequest
from domain.ordering import MAX_IDEMPOTENCY_KEY, OrderStatus, RequestedItem
from entrypoints.http.dependencies import Injected
from entrypoints.http.guards import require_strict_json_body
from entrypoints.http.openapi import BEARER, JSON_BODY_ERRORS, SERVER_ERRORS, error_responses
from entrypoints.http.ordering.schemas import (
    OrderPage,
    OrderResponse,
    PaymentIntentResponse,
    PlaceOrderRequest,
)
from entrypoints.http.params import (
    DEFAULT_PAGE,
    DEFAULT_PAGE_LIMIT,
    PageCursor,
    PageLimit,
    PageNumber,
    ResourceId,
    parse_uuid,
    sort_parameter,
)
from entrypoints.http.text_patterns import trimmed_header_pattern

_SIGNED_IN = (*SERVER_ERRORS, 401)
_S400_ID = "The id is not a UUID."
_S404 = "No such order, or it is someone else's."
_S409_STATUS = "The order's status does not allow this (e.g. not pending)."

# The domain trims the key and refuses one over MAX_IDEMPOTENCY_KEY (a blank one is none);
# the pattern states exactly that, the wire bound only stops what is absurd.
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        max_length=MAX_IDEMPOTENCY_KEY * 2,
        description="Makes retries safe: the same key from the same user returns the order "
        f"placed first (201) and never creates a second one. At most {MAX_IDEMPOTENCY_KEY} "
        "characters after trimming.",
        schema_extra={"pattern": trimmed_header_pattern(MAX_IDEMPOTENCY_KEY)},
    ),
]


class OrdersController(Controller):
    """A customer's orders, and their life from pending to shipped or refunded."""

    path = "/orders"
    tags = ["orders"]
    security = BEARER
    before_request = staticmethod(require_strict_json_body)
    request_max_body_size = 64 * 1024

    @post(
        "/",
        status_code=201,
        summary="Place an order",
        description="1 to 50 distinct products, quantity 1..100 each, no product twice. "
        "Prices are captured now and stock is reserved until the order is paid, cancelled "
        "or expires. The tier discount applies (regular 10%, premium 20%).",
        responses=error_responses(
            *_SIGNED_IN,
            *JSON_BODY_ERRORS,
            409,
            422,
            s400="Invalid items (unknown or inactive product, bad quantity, product twice), "
            "or an Idempotency-Key over the limit; `errors` names the item.",
            s409="Too little stock for an item (the message names the product), or a "
            "concurrent request with the same Idempotency-Key is still being placed.",
            s422="Minimum order amount is $10.",
        ),
    )
    async def place_order(
        self,
        data: JSONBody[PlaceOrderRequest],
        actor: Injected[Actor],
        place_order: Injected[PlaceOrder],
        idempotency_key: IdempotencyKey = None,
    ) -> OrderResponse:
        """Order products."""
        command = PlaceOrderCommand(
            items=tuple(RequestedItem(i.product_id, i.quantity) for i in data.items),
            idempotency_key=idempotency_key,
        )
        return OrderResponse.from_view(await place_order(actor, command))

    @get(
        "/",
        summary="List orders",
        description="The caller's own orders, newest first by default. Admins see everyone's "
        "and may filter by `userId`; anyone may filter by `status`.",
        responses=error_responses(
            *_SIGNED_IN, 400, s400="Invalid page, limit, cursor, userId, status or sort."
        ),
    )
    async def list_orders(
        self,
        actor: Injected[Actor],
        list_orders: Injected[ListOrders],
        page: PageNumber = DEFAULT_PAGE,
        limit: PageLimit = DEFAULT_PAGE_LIMIT,
        cursor: PageCursor = None,
        user_id: Annotated[
            str | None,
            QueryParameter(
                name="userId",
                description="Admins only: one user's orders (ignored for others).",
                schema_extra={"format": "uuid"},
                max_length=64,
            ),
        ] = None,
        status: FromQuery[OrderStatus | None] = None,
        sort: Annotated[str | None, sort_parameter(ORDER_SORT_FIELDS)] = None,
    ) -> OrderPage:
        """One page of orders."""
        query = ListOrdersQuery(
            user_id=parse_uuid(user_id, "userId") if user_id is not None else None,
            status=status,
            sort=sort,
            page=PageRequest.of(page, limit, cursor),
        )
        return OrderPage.from_page(await list_orders(actor, query))

    @get(
        "/{id:str}",
        summary="Get an order",
        description="For its owner and admins; anyone else gets 404.",
        responses=error_responses(*_SIGNED_IN, 400, 404, s400=_S400_ID, s404=_S404),
    )
    async def get_order(
        self, id: ResourceId, actor: Injected[Actor], get_order: Injected[GetOrder]
    ) -> OrderResponse:
        """One order."""
        return OrderResponse.from_view(await get_order(actor, parse_uuid(id)))

    @post(
        "/{id:str}/cancel",
        status_code=200,
        summary="Cancel an order",
        description="The owner or an admin cancels a pending order; its stock is released.",
        responses=error_responses(
            *_SIGNED_IN, 400, 404, 409, s400=_S400_ID, s404=_S404, s409=_S409_STATUS
        ),
    )
    async def cancel_order(
        self, id: ResourceId, actor: Injected[Actor], cancel_order: Injected[CancelOrder]
    ) -> OrderResponse:
        """Cancel a pending order."""
        return OrderResponse.from_view(await cancel_order(actor, parse_uuid(id)))

    @post(
        "/{id:str}/payment",
        status_code=201,
        summary="Start paying an order",
        description="The owner of a pending order gets the provider's payment intent; calling "
        "again returns the same intent. With the sandbox provider, settle it with "
        "POST /sandbox/payments/{paymentIntentId}/succeed or /fail.",
        responses=error_responses(
            *_SIGNED_IN,
            400,
            404,
            409,
            s400=_S400_ID,
            s404="No such order, or it is not the caller's (admins included).",
            s409="Only a pending order can be paid.",
            s503="The payment provider (or the database) is unreachable.",
        ),
    )
    async def start_payment(
        self, id: ResourceId, actor: Injected[Actor], start_payment: Injected[StartPayment]
    ) -> PaymentIntentResponse:
        """Create or return the order's payment intent."""
        return PaymentIntentResponse.from_view(await start_payment(actor, parse_uuid(id)))

    @post(
        "/{id:str}/ship",
        status_code=200,
        summary="Ship an order",
        description="Admins and editors mark a paid order shipped; the customer is emailed.",
        responses=error_responses(
            *_SIGNED_IN,
            400,
            403,
            404,
            409,
            s400=_S400_ID,
            s403="The caller is neither an admin nor an editor.",
            s404="No such order.",
            s409="Only a paid order can be shipped.",
        ),
    )
    async def ship_order(
        self, id: ResourceId, actor: Injected[Actor], ship_order: Injected[ShipOrder]
    ) -> OrderResponse:
        """Mark a paid order shipped."""
        return OrderResponse.from_view(await ship_order(actor, parse_uuid(id)))

    @post(
        "/{id:str}/refund",
        status_code=200,
        summary="Refund an order",
        description="Admins refund a paid or shipped order through the payment provider; the "
        "customer is emailed.",
        responses=error_responses(
            *_SIGNED_IN,
            400,
            403,
            404,
            409,
            s400=_S400_ID,
            s403="The caller is not an admin.",
            s404="No such order.",
            s409="Only a paid or shipped order can be refunded, and only when it has a payment.",
            s503="The payment provider (or the database) is unreachable.",
        ),
    )
    async def refund_order(
        self, id: ResourceId, actor: Injected[Actor], refund_order: Injected[RefundOrder]
    ) -> OrderResponse:
        """Refund a paid or shipped order."""
        return OrderResponse.from_view(await refund_order(actor, parse_uuid(id)))
