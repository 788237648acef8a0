"""Use-case views in the contract's camelCase shape, so both drivers report the same data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from application.catalog.views import ProductView
from application.ordering.views import OrderView, PaymentIntentView
from application.shared.paging import Page

T = TypeVar("T")


def product_data(view: ProductView) -> dict[str, Any]:
    """A product as the HTTP API shows it."""
    return {
        "id": str(view.id),
        "name": view.name,
        "description": view.description,
        "priceCents": view.price_cents,
        "currency": view.currency,
        "stock": view.stock,
        "active": view.active,
        "imageIds": [str(i) for i in view.image_ids],
        "createdAt": view.created_at.isoformat(),
        "updatedAt": view.updated_at.isoformat(),
    }


def order_data(view: OrderView) -> dict[str, Any]:
    """An order as the HTTP API shows it."""
    return {
        "id": str(view.id),
        "userId": str(view.user_id),
        "status": str(view.status),
        "items": [
            {
                "productId": str(line.product_id),
                "name": line.name,
                "unitPriceCents": line.unit_price_cents,
                "quantity": line.quantity,
                "lineTotalCents": line.line_total_cents,
            }
            for line in view.lines
        ],
        "subtotalCents": view.subtotal_cents,
        "discountCents": view.discount_cents,
        "totalCents": view.total_cents,
        "currency": view.currency,
        "createdAt": view.created_at.isoformat(),
        "updatedAt": view.updated_at.isoformat(),
    }


def intent_data(view: PaymentIntentView) -> dict[str, Any]:
    """A started payment as the HTTP API shows it."""
    return {
        "provider": view.provider,
        "paymentIntentId": view.payment_intent_id,
        "clientSecret": view.client_secret,
        "amountCents": view.amount_cents,
        "currency": view.currency,
    }


def page_of(shape: Callable[[T], dict[str, Any]]) -> Callable[[Page[T]], dict[str, Any]]:
    """Shape a page of views with the contract's envelope."""

    def shaped(page: Page[T]) -> dict[str, Any]:
        return {
            "data": [shape(item) for item in page.items],
            "meta": {
                "page": page.page,
                "limit": page.limit,
                "total": page.total,
                "totalPages": page.total_pages,
            },
        }

    return shaped
