"""The floor the real catalog list and order placement are measured against: Litestar +
asyncpg, no layers, no ORM, the same SQL.

GET /api/v1/products (anonymous, default sort createdAt): the two statements of
SqlProductRepository.list (the page, then the count), on one pooled connection in autocommit
mode like the real read-only unit of work, and the same JSON (data + meta, camelCase, Z times).

POST /api/v1/orders: verify the access token like bare_app, then in ONE transaction select the
user (tier, revocation), reserve each line's stock with the conditional UPDATE ... RETURNING
the product, insert the order and its lines, commit; answer 201 with the same order JSON.

Run by tests/bench/shop.py as `python -m tests.bench.bare_shop`, with the environment of
bare_app (BENCH_DSN, JWT_SECRET, BENCH_JWT_TYP, BENCH_JWT_ISS, BENCH_POOL_MIN/MAX, HOST, PORT,
LOG_LEVEL) plus BENCH_CURRENCY (default USD) and BENCH_ORDER_TTL_MINUTES (default 30).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import msgspec
import uvicorn
from litestar import Litestar, Request, Response, get, post

from tests.bench.bare_app import (
    _configure_logging,
    _rfc3339,
    _unauthorized,
    create_pool,
    verified_claims,
)

_CURRENCY = os.environ.get("BENCH_CURRENCY", "USD")
_ORDER_TTL = timedelta(minutes=int(os.environ.get("BENCH_ORDER_TTL_MINUTES", "30")))
# Same rules as domain/ordering.py.
_MINIMUM_ORDER_CENTS = 1000
_TIER_DISCOUNT_PERCENT = {"standard": 0, "regular": 10, "premium": 20}

# Exactly what SqlProductRepository.list compiles to for an anonymous caller, default sort.
_PAGE = (
    "SELECT products.id, products.name, products.description, products.price_cents,"
    " products.stock, products.active, products.image_ids, products.created_at,"
    " products.updated_at \nFROM products \nWHERE products.active IS true"
    " ORDER BY products.created_at, products.id \n LIMIT $1::INTEGER OFFSET $2::INTEGER"
)
_COUNT = (
    "SELECT count(*) AS count_1 \nFROM (SELECT products.id AS id \nFROM products"
    " \nWHERE products.active IS true \n LIMIT $1::INTEGER) AS anon_1"
)
_COUNT_LIMIT = 1000  # application/shared/paging.py COUNT_LIMIT
# The statements of PlaceOrder over the SQL repositories (try_reserve per line, orders.add),
# plus the user read the real request's authentication does.
# The tier for the discount; active and tokens_valid_after for revocation, as bare_app checks.
_USER = "SELECT id, tier, active, tokens_valid_after FROM users WHERE id = $1"
_RESERVE = (
    "UPDATE products SET stock = stock - $2 WHERE id = $1 AND active IS true AND stock >= $2"
    " RETURNING id, name, description, price_cents, stock, active, image_ids, created_at,"
    " updated_at"
)
_INSERT_ORDER = (
    "INSERT INTO orders (id, user_id, status, subtotal_cents, discount_cents, total_cents,"
    " currency, created_at, updated_at, expires_at, idempotency_key, payment_intent_id)"
    " VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $7, $8, NULL, NULL)"
)
_INSERT_LINE = (
    "INSERT INTO order_lines (order_id, position, product_id, name, unit_price_cents, quantity)"
    " VALUES ($1, $2, $3, $4, $5, $6)"
)

_pool: asyncpg.Pool | None = None


class _Item(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    product_id: UUID
    quantity: int


class _PlaceOrder(msgspec.Struct, forbid_unknown_fields=True):
    items: list[_Item]


_decode_order = msgspec.json.Decoder(_PlaceOrder).decode
_decode_ids = msgspec.json.Decoder(list[str]).decode


def _error(status: int, name: str, message: str) -> Response[dict[str, Any]]:
    return Response({"error": name, "message": message, "statusCode": status}, status_code=status)


def _int_param(request: Request[Any, Any, Any], name: str, default: int, high: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if 1 <= value <= high else None


def _cursor(row: Any) -> str:
    """The opaque cursor after this row in the default order, as Cursor.encode makes it."""
    value = row["created_at"].astimezone(UTC).isoformat()
    raw = json.dumps(["createdAt", 0, "d", value, str(row["id"])])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@get("/api/v1/products")
async def list_products(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """One page of active products, newest last, as the real GET /products returns it."""
    page = _int_param(request, "page", 1, 10**9)
    limit = _int_param(request, "limit", 20, 100)
    if page is None or limit is None:
        return _error(400, "BadRequest", "Invalid page or limit")
    assert _pool is not None
    async with _pool.acquire() as conn:
        # One row more tells whether a next page exists, as the real repository does.
        rows = await conn.fetch(_PAGE, limit + 1, (page - 1) * limit)
        counted = await conn.fetchval(_COUNT, _COUNT_LIMIT + 1)
    total = min(counted, _COUNT_LIMIT)
    next_cursor = _cursor(rows[limit - 1]) if len(rows) > limit else None
    rows = rows[:limit]
    data = [
        {
            "id": str(row["id"]),
            "name": row["name"],
            "description": row["description"],
            "priceCents": row["price_cents"],
            "currency": _CURRENCY,
            "stock": row["stock"],
            "active": row["active"],
            "imageIds": _decode_ids(row["image_ids"]),
            "createdAt": _rfc3339(row["created_at"]),
            "updatedAt": _rfc3339(row["updated_at"]),
        }
        for row in rows
    ]
    total_pages = -(-total // limit) if total else 0
    meta = {
        "page": page,
        "limit": limit,
        "total": total,
        "totalPages": total_pages,
        "totalExact": counted <= _COUNT_LIMIT,
        "nextCursor": next_cursor,
    }
    return Response({"data": data, "meta": meta})


def _claims(request: Request[Any, Any, Any]) -> dict[str, Any] | None:
    """The verified access-token claims, checked like bare_app's GET /me."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    claims = verified_claims(token)
    if claims is None:
        return None
    return {**claims, "sub": UUID(claims["sub"])}


def _bad_items(order: _PlaceOrder) -> bool:
    ids = {item.product_id for item in order.items}
    return (
        not 1 <= len(order.items) <= 50
        or len(ids) != len(order.items)
        or any(not 1 <= item.quantity <= 100 for item in order.items)
    )


@post("/api/v1/orders", status_code=201)
async def place_order(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """Reserve stock and record a pending order, as the real POST /orders does."""
    claims = _claims(request)
    if claims is None:
        return _unauthorized()
    try:
        order = _decode_order(await request.body())
    except msgspec.DecodeError:
        return _error(400, "BadRequest", "Invalid order")
    if _bad_items(order):
        return _error(400, "BadRequest", "Invalid items")
    assert _pool is not None
    async with _pool.acquire() as conn, conn.transaction():
        user = await conn.fetchrow(_USER, claims["sub"])
        if user is None or not user["active"]:
            return _unauthorized()
        valid_after = user["tokens_valid_after"]
        if valid_after is not None and claims["iat"] < valid_after.timestamp():
            return _unauthorized()
        # Product id order, like the real use case, so concurrent orders can't deadlock; each
        # reservation returns the product's row, as the real one does, so nothing reads first.
        reserved = {}
        for item in sorted(order.items, key=lambda item: item.product_id):
            product = await conn.fetchrow(_RESERVE, item.product_id, item.quantity)
            if product is None:
                # Leaving the block with an exception rolls the reservations back.
                raise _InsufficientStock(str(item.product_id))
            reserved[product["id"]] = product
        lines = [
            (item.product_id, product["name"], product["price_cents"], item.quantity)
            for item in order.items
            for product in (reserved[item.product_id],)
        ]
        subtotal = sum(price * quantity for _, _, price, quantity in lines)
        if subtotal < _MINIMUM_ORDER_CENTS:
            raise _BelowMinimum()
        discount = (subtotal * _TIER_DISCOUNT_PERCENT[user["tier"]] + 50) // 100
        order_id, now = uuid4(), datetime.now(UTC)
        await conn.execute(
            _INSERT_ORDER,
            order_id,
            claims["sub"],
            subtotal,
            discount,
            subtotal - discount,
            _CURRENCY,
            now,
            now + _ORDER_TTL,
        )
        await conn.executemany(_INSERT_LINE, [(order_id, n, *line) for n, line in enumerate(lines)])
    stamp = _rfc3339(now)
    return Response(
        {
            "id": str(order_id),
            "userId": str(claims["sub"]),
            "status": "pending",
            "items": [
                {
                    "productId": str(product_id),
                    "name": name,
                    "unitPriceCents": price,
                    "quantity": quantity,
                    "lineTotalCents": price * quantity,
                }
                for product_id, name, price, quantity in lines
            ],
            "subtotalCents": subtotal,
            "discountCents": discount,
            "totalCents": subtotal - discount,
            "currency": _CURRENCY,
            "createdAt": stamp,
            "updatedAt": stamp,
        },
        status_code=201,
    )


class _InsufficientStock(Exception):
    """Raised inside the transaction so it rolls back; answered 409."""


def _conflict(_: Request[Any, Any, Any], exc: _InsufficientStock) -> Response[dict[str, Any]]:
    return _error(409, "Conflict", f"Insufficient stock for {exc}")


class _BelowMinimum(Exception):
    """Raised inside the transaction so it rolls back; answered 422."""


def _below_minimum(_: Request[Any, Any, Any], exc: _BelowMinimum) -> Response[dict[str, Any]]:
    return _error(422, "UnprocessableEntity", "Minimum order amount is $10")


@asynccontextmanager
async def _lifespan(_: Litestar) -> AsyncIterator[None]:
    global _pool
    _pool = await create_pool()
    try:
        yield
    finally:
        await _pool.close()


app = Litestar(
    route_handlers=[list_products, place_order],
    lifespan=[_lifespan],
    exception_handlers={_InsufficientStock: _conflict, _BelowMinimum: _below_minimum},
    openapi_config=None,
    logging_config=None,
)


def main() -> None:
    """Serve with the same uvicorn settings as `hexashop serve` (see bare_app.main)."""
    _configure_logging(os.environ.get("LOG_LEVEL", "WARNING"))
    uvicorn.run(
        app, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ["PORT"]), log_config=None
    )


if __name__ == "__main__":
    main()
