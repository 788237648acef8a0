"""Inputs of the ordering use cases, in business terms."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.shared.paging import PageRequest
from domain.ordering import OrderStatus, RequestedItem


@dataclass(frozen=True)
class PlaceOrderCommand:
    """A signed-in customer orders products; the key makes retries safe."""

    items: tuple[RequestedItem, ...]
    idempotency_key: str | None = None


@dataclass(frozen=True)
class ListOrdersQuery:
    """Order list filters; `sort` is `field` or `-field` over createdAt, totalCents."""

    user_id: UUID | None = None
    status: OrderStatus | None = None
    sort: str | None = None
    page: PageRequest = PageRequest()  # noqa: RUF009 - frozen, so sharing it is safe
