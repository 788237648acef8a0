"""Staff manage products and stock; everyone browses the active catalog."""

from uuid import uuid4

import pytest
from ordering_kit import ShopKit

from application.catalog.commands import (
    AdjustStockCommand,
    CreateProductCommand,
    ListProductsQuery,
    UpdateProductCommand,
)
from application.shared.actor import Actor
from application.shared.paging import PageRequest
from domain.accounts import Role
from domain.catalog import InsufficientStock, ProductNotFound
from domain.errors import PermissionDenied, ValidationFailed

ADMIN = Actor.system()


@pytest.fixture
def shop() -> ShopKit:
    """A fresh shop on the in-memory adapters."""
    return ShopKit()


# --- create ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EDITOR])
async def test_staff_create_a_product_priced_in_the_store_currency(shop: ShopKit, role: Role):
    staff = await shop.add_staff(role)

    view = await shop.create_product()(
        staff, CreateProductCommand("  Blue Mug ", 900, 5, description="Ceramic")
    )

    assert (view.name, view.price_cents, view.currency, view.stock) == ("Blue Mug", 900, "USD", 5)
    assert view.active and view.image_ids == ()
    assert shop.product(view.id).description == "Ceramic"


async def test_customers_cannot_create_products(shop: ShopKit):
    customer = await shop.add_customer()

    with pytest.raises(PermissionDenied):
        await shop.create_product()(customer, CreateProductCommand("Mug", 900, 5))

    assert shop.store.products == {}


async def test_a_product_needs_a_price_of_a_cent_and_no_negative_stock(shop: ShopKit):
    with pytest.raises(ValidationFailed) as err:
        await shop.create_product()(ADMIN, CreateProductCommand("Mug", 0, -1))

    assert [e.field for e in err.value.errors] == ["priceCents", "stock"]


async def test_image_ids_are_refused_until_media_exist(shop: ShopKit):
    with pytest.raises(ValidationFailed) as err:
        await shop.create_product()(
            ADMIN, CreateProductCommand("Mug", 900, 1, image_ids=(uuid4(),))
        )

    assert [(e.field, e.message) for e in err.value.errors] == [("imageIds", "Unknown image id")]


# --- update ------------------------------------------------------------------------------------


async def test_update_changes_only_the_given_fields(shop: ShopKit):
    product = await shop.add_product("Mug", 900, 5)
    editor = await shop.add_staff(Role.EDITOR)

    view = await shop.update_product()(
        editor, UpdateProductCommand(product.id, price_cents=1200, active=False)
    )

    assert (view.name, view.price_cents, view.active, view.stock) == ("Mug", 1200, False, 5)
    assert view.updated_at == shop.clock.now() > view.created_at


async def test_update_validates_fields_and_refuses_unknown_products(shop: ShopKit):
    product = await shop.add_product()

    with pytest.raises(ValidationFailed) as err:
        await shop.update_product()(
            ADMIN, UpdateProductCommand(product.id, name=" ", price_cents=0)
        )
    with pytest.raises(ValidationFailed, match="Unknown image id"):
        await shop.update_product()(ADMIN, UpdateProductCommand(product.id, image_ids=(uuid4(),)))
    with pytest.raises(ProductNotFound, match="Product not found"):
        await shop.update_product()(ADMIN, UpdateProductCommand(uuid4(), name="Cup"))

    assert [e.field for e in err.value.errors] == ["name", "priceCents"]


async def test_customers_cannot_update_products(shop: ShopKit):
    product = await shop.add_product()
    customer = await shop.add_customer()

    with pytest.raises(PermissionDenied):
        await shop.update_product()(customer, UpdateProductCommand(product.id, name="Cup"))


# --- stock -------------------------------------------------------------------------------------


async def test_staff_add_and_remove_stock(shop: ShopKit):
    product = await shop.add_product(stock=5)
    editor = await shop.add_staff(Role.EDITOR)

    added = await shop.adjust_stock()(editor, AdjustStockCommand(product.id, 3))
    removed = await shop.adjust_stock()(editor, AdjustStockCommand(product.id, -8))

    assert (added.stock, removed.stock) == (8, 0)
    assert shop.product(product.id).stock == 0


async def test_stock_never_goes_below_zero(shop: ShopKit):
    product = await shop.add_product("Blue Mug", stock=2)

    with pytest.raises(InsufficientStock, match="Blue Mug"):
        await shop.adjust_stock()(ADMIN, AdjustStockCommand(product.id, -3))

    assert shop.product(product.id).stock == 2


async def test_stock_of_an_unknown_product_is_not_found(shop: ShopKit):
    with pytest.raises(ProductNotFound):
        await shop.adjust_stock()(ADMIN, AdjustStockCommand(uuid4(), 1))


async def test_customers_cannot_adjust_stock(shop: ShopKit):
    product = await shop.add_product(stock=5)
    customer = await shop.add_customer()

    with pytest.raises(PermissionDenied):
        await shop.adjust_stock()(customer, AdjustStockCommand(product.id, 1))


# --- delete ------------------------------------------------------------------------------------


async def test_admin_deletes_a_product_never_ordered(shop: ShopKit):
    product = await shop.add_product()

    await shop.delete_product()(ADMIN, product.id)

    assert product.id not in shop.store.products


async def test_a_product_in_an_order_is_deactivated_instead_of_deleted(shop: ShopKit):
    product = await shop.add_product(price_cents=1000)
    customer = await shop.add_customer()
    await shop.place(customer, (product, 1))

    await shop.delete_product()(ADMIN, product.id)

    assert shop.product(product.id).active is False


async def test_only_admins_delete_and_unknown_products_are_not_found(shop: ShopKit):
    product = await shop.add_product()
    editor = await shop.add_staff(Role.EDITOR)

    with pytest.raises(PermissionDenied):
        await shop.delete_product()(editor, product.id)
    with pytest.raises(ProductNotFound):
        await shop.delete_product()(ADMIN, uuid4())

    assert product.id in shop.store.products


# --- list and get ------------------------------------------------------------------------------


async def some_products(shop: ShopKit) -> None:
    await shop.add_product("Blue Mug", 900, 3)
    await shop.add_product("Red Mug", 1500, 0)
    await shop.add_product("Teapot", 4000, 2)
    await shop.add_product("Old Mug", 500, 9, active=False)


async def test_visitors_and_customers_see_only_active_products(shop: ShopKit):
    await some_products(shop)
    customer = await shop.add_customer()

    anonymous = await shop.list_products()(None, ListProductsQuery())
    signed_in = await shop.list_products()(customer, ListProductsQuery())

    assert [p.name for p in anonymous.items] == ["Blue Mug", "Red Mug", "Teapot"]
    assert [p.name for p in signed_in.items] == ["Blue Mug", "Red Mug", "Teapot"]


async def test_staff_see_inactive_products_too(shop: ShopKit):
    await some_products(shop)
    editor = await shop.add_staff(Role.EDITOR)

    page = await shop.list_products()(editor, ListProductsQuery())

    assert page.total == 4


async def test_products_are_searched_filtered_sorted_and_paged(shop: ShopKit):
    await some_products(shop)
    products = shop.list_products

    search = await products()(None, ListProductsQuery(search="  MUG "))
    price = await products()(None, ListProductsQuery(min_price=900, max_price=1500))
    in_stock = await products()(None, ListProductsQuery(in_stock=True, sort="-priceCents"))
    by_name = await products()(None, ListProductsQuery(sort="-name", page=PageRequest(1, 2)))

    assert [p.name for p in search.items] == ["Blue Mug", "Red Mug"]
    assert [p.name for p in price.items] == ["Blue Mug", "Red Mug"]
    assert [p.name for p in in_stock.items] == ["Teapot", "Blue Mug"]
    assert ([p.name for p in by_name.items], by_name.total) == (["Teapot", "Red Mug"], 3)


async def test_unknown_sort_fields_and_inverted_price_ranges_are_refused(shop: ShopKit):
    with pytest.raises(ValidationFailed) as sort:
        await shop.list_products()(None, ListProductsQuery(sort="stock"))
    with pytest.raises(ValidationFailed) as prices:
        await shop.list_products()(None, ListProductsQuery(min_price=2000, max_price=1000))

    assert sort.value.errors[0].field == "sort"
    assert prices.value.errors[0].field == "minPrice"


async def test_an_inactive_product_is_not_found_except_for_staff(shop: ShopKit):
    product = await shop.add_product(active=False)
    customer = await shop.add_customer()
    editor = await shop.add_staff(Role.EDITOR)

    with pytest.raises(ProductNotFound):
        await shop.get_product()(None, product.id)
    with pytest.raises(ProductNotFound):
        await shop.get_product()(customer, product.id)
    view = await shop.get_product()(editor, product.id)

    assert view.id == product.id and view.active is False


async def test_anyone_gets_an_active_product_and_unknown_ids_are_not_found(shop: ShopKit):
    product = await shop.add_product("Blue Mug")

    view = await shop.get_product()(None, product.id)

    assert (view.name, view.currency) == ("Blue Mug", "USD")
    with pytest.raises(ProductNotFound):
        await shop.get_product()(None, uuid4())
