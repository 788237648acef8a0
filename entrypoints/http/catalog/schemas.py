"""Request and response bodies of the catalog endpoints (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from domain.catalog import MAX_PRODUCT_DESCRIPTION, MAX_PRODUCT_NAME
from entrypoints.http.schemas import PageResponse, ViewResponse
from entrypoints.http.text_patterns import trimmed_length_pattern

# Wire limits only stop absurd payloads (and integers the database columns can't hold); the
# domain applies the real rules (price >= 1, stock >= 0...) and names the field when they fail.
MAX_CENTS = 10**12
MAX_STOCK = 10**9
MAX_IMAGES = 50

# The text limits too: the wire stops what is absurd, the schema states the domain's rule (a
# name of 1..200 characters once trimmed, a description of at most 10000), which names the
# field when it fails.
ProductName = Annotated[
    str,
    msgspec.Meta(
        max_length=MAX_PRODUCT_NAME * 2,
        description=f"1 to {MAX_PRODUCT_NAME} characters once trimmed.",
        examples=["Blue Mug"],
        extra_json_schema={"extra": {"pattern": trimmed_length_pattern(MAX_PRODUCT_NAME)}},
    ),
]
Description = Annotated[
    str,
    msgspec.Meta(
        max_length=MAX_PRODUCT_DESCRIPTION * 2,
        extra_json_schema={"extra": {"max_length": MAX_PRODUCT_DESCRIPTION}},
    ),
]
# The lower bounds are documented (`extra_json_schema`) but left to the domain to enforce, so
# its field errors name every rule a body breaks.
PriceCents = Annotated[
    int,
    msgspec.Meta(
        le=MAX_CENTS,
        description="Price in minor units of the store currency, at least 1.",
        extra_json_schema={"extra": {"minimum": 1}},
    ),
]
Stock = Annotated[
    int,
    msgspec.Meta(
        le=MAX_STOCK,
        description="Units in stock, at least 0.",
        extra_json_schema={"extra": {"minimum": 0}},
    ),
]
Delta = Annotated[
    int,
    msgspec.Meta(
        ge=-MAX_STOCK,
        le=MAX_STOCK,
        description="Units to add, or with a negative value to remove.",
        examples=[10, -2],
    ),
]
ImageIds = Annotated[list[UUID], msgspec.Meta(max_length=MAX_IMAGES)]


# --- requests ---------------------------------------------------------------------------------


class CreateProductRequest(msgspec.Struct, rename="camel"):
    """Staff add a product."""

    name: ProductName
    price_cents: PriceCents
    stock: Stock
    description: Description = ""
    active: bool = True
    image_ids: ImageIds = msgspec.field(default_factory=list)


# Decoded as any integer so that the controller can refuse a value with a pointer to the stock
# endpoint; documented as what the endpoint accepts: null (or absent), like every other field.
StockNotEditable = Annotated[
    int | None,
    msgspec.Meta(
        extra_json_schema={
            "extra": {
                "one_of": None,
                "type": "null",
                "description": "Not editable here: any value but null is a 400. "
                "Use POST /products/{id}/stock.",
            }
        }
    ),
]


class PatchProductRequest(msgspec.Struct, rename="camel"):
    """Any subset of a product's editable fields; absent (or null) fields stay as they are.

    `stock` other than null is refused with a pointer to the stock endpoint, so a client
    that sends it learns why nothing changed instead of being silently ignored.
    """

    name: ProductName | None = None
    description: Description | None = None
    price_cents: PriceCents | None = None
    active: bool | None = None
    image_ids: ImageIds | None = None
    stock: StockNotEditable = None


class AdjustStockRequest(msgspec.Struct, rename="camel"):
    """A change of stock."""

    delta: Delta


# --- responses --------------------------------------------------------------------------------


class ProductResponse(ViewResponse, rename="camel"):
    """A product, priced in the store currency."""

    id: UUID
    name: str
    description: str
    price_cents: int
    currency: str
    stock: int
    active: bool
    image_ids: list[UUID]
    created_at: datetime
    updated_at: datetime


class ProductPage(PageResponse[ProductResponse]):
    """One page of products."""
