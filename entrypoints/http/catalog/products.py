"""The catalog: anyone browses active products; staff manage them."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.params import JSONBody, QueryParameter

from application.catalog.adjust_stock import AdjustStock
from application.catalog.commands import (
    AdjustStockCommand,
    CreateProductCommand,
    ListProductsQuery,
    UpdateProductCommand,
)
from application.catalog.create_product import CreateProduct
from application.catalog.delete_product import DeleteProduct
from application.catalog.get_product import GetProduct
from application.catalog.list_products import ListProducts
from application.catalog.ports import PRODUCT_SORT_FIELDS
from application.catalog.update_product import UpdateProduct
from application.shared.actor import Actor
from application.shared.paging import PageRequest
from domain.errors import ValidationFailed
from entrypoints.http.catalog.schemas import (
    MAX_CENTS,
    AdjustStockRequest,
    CreateProductRequest,
    PatchProductRequest,
    ProductPage,
    ProductResponse,
)
from entrypoints.http.dependencies import Injected
from entrypoints.http.guards import require_strict_json_body
from entrypoints.http.openapi import (
    BEARER,
    JSON_BODY_ERRORS,
    OPTIONAL_BEARER,
    SERVER_ERRORS,
    error_responses,
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

_STAFF = (*SERVER_ERRORS, 401, 403)
_S401_OPTIONAL = "An Authorization header was sent but its token is missing, bad or expired."
_S403_STAFF = "The caller is neither an admin nor an editor."
_S404 = "No product with this id (inactive products are hidden from non-staff)."
_S400_ID = "The id is not a UUID."


def _price(name: str, description: str) -> QueryParameter:
    # The lower bound is documented only: the use case refuses a negative price by name.
    return QueryParameter(
        name=name, le=MAX_CENTS, description=description, schema_extra={"minimum": 0}
    )


class ProductsController(Controller):
    """Products, their prices and stock."""

    path = "/products"
    tags = ["products"]
    before_request = staticmethod(require_strict_json_body)
    request_max_body_size = 64 * 1024

    @get(
        "/",
        summary="List products",
        description="Anyone may browse. Non-staff callers see active products only; staff "
        "(a valid bearer token of an admin or editor) see inactive ones too. An "
        "Authorization header that is sent but invalid is 401, not anonymous. `search` "
        "matches the name or description (case-insensitive substring); `minPrice` and "
        "`maxPrice` are inclusive, in cents; `inStock=true` keeps products with stock.",
        security=OPTIONAL_BEARER,
        responses=error_responses(
            *SERVER_ERRORS,
            400,
            401,
            s400="Invalid page, limit, price range, inStock or sort.",
            s401=_S401_OPTIONAL,
        ),
    )
    async def list_products(
        self,
        optional_actor: Injected[Actor | None],
        list_products: Injected[ListProducts],
        page: PageNumber = DEFAULT_PAGE,
        limit: PageLimit = DEFAULT_PAGE_LIMIT,
        cursor: PageCursor = None,
        search: Annotated[str | None, QueryParameter(max_length=200)] = None,
        min_price: Annotated[
            int | None, _price("minPrice", "Lowest price in cents, inclusive (at least 0).")
        ] = None,
        max_price: Annotated[
            int | None, _price("maxPrice", "Highest price in cents, inclusive (at least 0).")
        ] = None,
        in_stock: Annotated[bool | None, QueryParameter(name="inStock")] = None,
        sort: Annotated[str | None, sort_parameter(PRODUCT_SORT_FIELDS)] = None,
    ) -> ProductPage:
        """One page of products."""
        query = ListProductsQuery(
            search=search or None,
            min_price=min_price,
            max_price=max_price,
            in_stock=in_stock,
            sort=sort,
            page=PageRequest.of(page, limit, cursor),
        )
        return ProductPage.from_page(await list_products(optional_actor, query))

    @get(
        "/{id:str}",
        summary="Get a product",
        description="Inactive products are 404 except for staff.",
        security=OPTIONAL_BEARER,
        responses=error_responses(
            *SERVER_ERRORS, 400, 401, 404, s400=_S400_ID, s401=_S401_OPTIONAL, s404=_S404
        ),
    )
    async def get_product(
        self,
        id: ResourceId,
        optional_actor: Injected[Actor | None],
        get_product: Injected[GetProduct],
    ) -> ProductResponse:
        """One product."""
        return ProductResponse.from_view(await get_product(optional_actor, parse_uuid(id)))

    @post(
        "/",
        status_code=201,
        summary="Create a product",
        description="Admins and editors. `priceCents` at least 1, `stock` at least 0.",
        security=BEARER,
        responses=error_responses(*_STAFF, *JSON_BODY_ERRORS, s403=_S403_STAFF),
    )
    async def create_product(
        self,
        data: JSONBody[CreateProductRequest],
        actor: Injected[Actor],
        create_product: Injected[CreateProduct],
    ) -> ProductResponse:
        """Add a product."""
        command = CreateProductCommand(
            name=data.name,
            price_cents=data.price_cents,
            stock=data.stock,
            description=data.description,
            active=data.active,
            image_ids=tuple(data.image_ids),
        )
        return ProductResponse.from_view(await create_product(actor, command))

    @patch(
        "/{id:str}",
        summary="Change some of a product's fields",
        description="Admins and editors. Absent (or null) fields stay as they are. Stock is "
        "not editable here (a value is a 400): use POST /products/{id}/stock, which can't lose a "
        "concurrent reservation. Price changes never alter existing orders.",
        security=BEARER,
        responses=error_responses(*_STAFF, *JSON_BODY_ERRORS, 404, s403=_S403_STAFF, s404=_S404),
    )
    async def patch_product(
        self,
        id: ResourceId,
        data: JSONBody[PatchProductRequest],
        actor: Injected[Actor],
        update_product: Injected[UpdateProduct],
    ) -> ProductResponse:
        """Change the given fields."""
        product_id = parse_uuid(id)
        if data.stock is not None:
            raise ValidationFailed.of("stock", "Change stock with POST /products/{id}/stock")
        command = UpdateProductCommand(
            product_id=product_id,
            name=data.name,
            description=data.description,
            price_cents=data.price_cents,
            active=data.active,
            image_ids=tuple(data.image_ids) if data.image_ids is not None else None,
        )
        return ProductResponse.from_view(await update_product(actor, command))

    @post(
        "/{id:str}/stock",
        status_code=200,
        summary="Adjust stock",
        description="Admins and editors. Adds `delta` (negative to remove) atomically; 409 "
        "when the stock would go below zero.",
        security=BEARER,
        responses=error_responses(
            *_STAFF,
            *JSON_BODY_ERRORS,
            404,
            409,
            s403=_S403_STAFF,
            s404=_S404,
            s409="The stock would go below zero; the message names the product.",
        ),
    )
    async def adjust_stock(
        self,
        id: ResourceId,
        data: JSONBody[AdjustStockRequest],
        actor: Injected[Actor],
        adjust_stock: Injected[AdjustStock],
    ) -> ProductResponse:
        """Add or remove stock."""
        command = AdjustStockCommand(product_id=parse_uuid(id), delta=data.delta)
        return ProductResponse.from_view(await adjust_stock(actor, command))

    @delete(
        "/{id:str}",
        status_code=204,
        summary="Delete a product",
        description="Admins only. A product that appears in orders is deactivated instead "
        "of removed, so the orders keep their lines.",
        security=BEARER,
        responses=error_responses(
            *_STAFF, 400, 404, s400=_S400_ID, s403="The caller is not an admin.", s404=_S404
        ),
    )
    async def delete_product(
        self,
        id: ResourceId,
        actor: Injected[Actor],
        delete_product: Injected[DeleteProduct],
    ) -> None:
        """Remove or retire a product."""
        await delete_product(actor, parse_uuid(id))
