"""Customers place, see and cancel orders; stock is reserved exactly and released on expiry."""

import asyncio
from dataclasses import replace
from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from ordering_kit import ShopKit

from adapters.memory.ordering import MemoryOrderRepository
from application.accounts.views import UserView
from application.catalog.commands import UpdateProductCommand
from application.ordering.commands import ListOrdersQuery, PlaceOrderCommand
from application.shared.actor import Actor
from application.shared.paging import Cursor, PageRequest
from domain.accounts import Role, Tier
from domain.catalog import InsufficientStock
from domain.errors import PermissionDenied, ValidationFailed
from domain.ordering import (
    InvalidTransition,
    MinimumOrderAmount,
    OrderNotFound,
    OrderStatus,
    RequestedItem,
)

ADMIN = Actor.system()


@pytest.fixture
def shop() -> ShopKit:
    """A fresh shop on the in-memory adapters."""
    return ShopKit()


# --- placing -----------------------------------------------------------------------------------


async def test_an_order_is_placed_pending_with_prices_and_stock_reserved(shop: ShopKit):
    mug = await shop.add_product("Blue Mug", 900, 10)
    pot = await shop.add_product("Teapot", 2500, 3)
    ana = await shop.add_customer()

    order = await shop.place(ana, (mug, 2), (pot, 1))

    assert (order.status, order.user_id, order.currency) == (
        OrderStatus.PENDING,
        ana.user_id,
        "USD",
    )
    assert [
        (li.name, li.unit_price_cents, li.quantity, li.line_total_cents) for li in order.lines
    ] == [
        ("Blue Mug", 900, 2, 1800),
        ("Teapot", 2500, 1, 2500),
    ]
    assert (order.subtotal_cents, order.discount_cents, order.total_cents) == (4300, 0, 4300)
    assert (shop.product(mug.id).stock, shop.product(pot.id).stock) == (8, 2)
    assert shop.order(order.id).expires_at == shop.clock.now() + timedelta(minutes=30)


@pytest.mark.parametrize(("tier", "discount"), [(Tier.REGULAR, 180), (Tier.PREMIUM, 360)])
async def test_the_customer_tier_discounts_the_order(shop: ShopKit, tier: Tier, discount: int):
    mug = await shop.add_product(price_cents=900)
    customer = await shop.add_customer(tier=tier)

    order = await shop.place(customer, (mug, 2))

    assert (order.discount_cents, order.total_cents) == (discount, 1800 - discount)


async def test_prices_are_captured_when_the_order_is_placed(shop: ShopKit):
    mug = await shop.add_product(price_cents=900)
    ana = await shop.add_customer()
    order = await shop.place(ana, (mug, 2))

    await shop.update_product()(ADMIN, UpdateProductCommand(mug.id, price_cents=5000, name="Cup"))

    again = await shop.get_order()(ana, order.id)
    assert (again.lines[0].name, again.lines[0].unit_price_cents, again.total_cents) == (
        "Blue Mug",
        900,
        1800,
    )


async def test_a_subtotal_under_ten_dollars_is_refused(shop: ShopKit):
    mug = await shop.add_product(price_cents=999, stock=5)
    ana = await shop.add_customer()

    with pytest.raises(MinimumOrderAmount, match=r"Minimum order amount is \$10"):
        await shop.place(ana, (mug, 1))

    assert shop.product(mug.id).stock == 5 and shop.store.orders == {}


async def test_unknown_or_inactive_products_are_refused_by_position(shop: ShopKit):
    mug = await shop.add_product(price_cents=1000)
    retired = await shop.add_product("Old Mug", active=False)
    ana = await shop.add_customer()
    cmd = PlaceOrderCommand(
        (RequestedItem(mug.id, 1), RequestedItem(uuid4(), 1), RequestedItem(retired.id, 1))
    )

    with pytest.raises(ValidationFailed) as err:
        await shop.place_order()(ana, cmd)

    assert [(e.field, e.message) for e in err.value.errors] == [
        ("items[1].productId", "Unknown or inactive product"),
        ("items[2].productId", "Unknown or inactive product"),
    ]
    assert shop.product(mug.id).stock == 10


async def test_item_rules_are_checked_before_anything_is_read(shop: ShopKit):
    mug = await shop.add_product()
    ana = await shop.add_customer()

    with pytest.raises(ValidationFailed) as empty:
        await shop.place_order()(ana, PlaceOrderCommand(()))
    with pytest.raises(ValidationFailed) as twice:
        await shop.place(ana, (mug, 1), (mug, 101))

    assert empty.value.errors[0].field == "items"
    assert [e.field for e in twice.value.errors] == ["items[1].quantity", "items[1].productId"]


async def test_too_little_stock_names_the_product_and_reserves_nothing(shop: ShopKit):
    mug = await shop.add_product("Blue Mug", 900, 10)
    pot = await shop.add_product("Teapot", 2500, 1)
    ana = await shop.add_customer()

    with pytest.raises(InsufficientStock, match="Teapot"):
        await shop.place(ana, (mug, 2), (pot, 2))

    assert (shop.product(mug.id).stock, shop.product(pot.id).stock) == (10, 1)
    assert shop.store.orders == {}


async def test_the_minimum_amount_is_named_before_the_stock(shop: ShopKit):
    cheap = await shop.add_product("Spoon", 400, stock=0)
    ana = await shop.add_customer()

    with pytest.raises(MinimumOrderAmount):
        await shop.place(ana, (cheap, 1))


async def test_unknown_products_are_named_before_the_stock(shop: ShopKit):
    empty = await shop.add_product("Teapot", 2500, stock=0)
    ana = await shop.add_customer()
    cmd = PlaceOrderCommand((RequestedItem(empty.id, 1), RequestedItem(uuid4(), 1)))

    with pytest.raises(ValidationFailed) as err:
        await shop.place_order()(ana, cmd)

    assert [e.field for e in err.value.errors] == ["items[1].productId"]


async def test_a_signed_in_customers_order_takes_the_tier_authentication_read(shop: ShopKit):
    mug = await shop.add_product("Blue Mug", 2000, 5)
    ana = await shop.add_customer(tier=Tier.PREMIUM)
    account = UserView.from_user(shop.store.users[ana.user_id])
    signed_in = replace(ana, profile=account)
    # Authentication read the account for this request; the order doesn't read it again.
    del shop.store.users[ana.user_id]

    order = await shop.place(signed_in, (mug, 1))

    assert (order.subtotal_cents, order.discount_cents) == (2000, 400)
    with pytest.raises(PermissionDenied):
        await shop.place(ana, (mug, 1))


async def test_the_cli_operator_is_no_customer_and_cannot_order(shop: ShopKit):
    mug = await shop.add_product()

    with pytest.raises(PermissionDenied):
        await shop.place(ADMIN, (mug, 2))


async def test_the_same_idempotency_key_returns_the_same_order_and_reserves_once(shop: ShopKit):
    mug = await shop.add_product(stock=10)
    ana = await shop.add_customer()

    first = await shop.place(ana, (mug, 2), key="abc")
    second = await shop.place(ana, (mug, 2), key=" abc ")

    assert second.id == first.id
    assert shop.product(mug.id).stock == 8 and len(shop.store.orders) == 1


async def test_concurrent_requests_with_one_key_create_one_order(shop: ShopKit):
    mug = await shop.add_product(price_cents=1000, stock=10)
    ana = await shop.add_customer()

    orders = await asyncio.gather(*(shop.place(ana, (mug, 1), key="k") for _ in range(5)))

    assert len({o.id for o in orders}) == 1
    assert shop.product(mug.id).stock == 9


async def test_losing_a_key_race_returns_the_winner_and_undoes_its_reservations(
    shop: ShopKit, monkeypatch: pytest.MonkeyPatch
):
    mug = await shop.add_product(stock=10)
    ana = await shop.add_customer()
    winner = await shop.place(ana, (mug, 2), key="race")
    lookup = MemoryOrderRepository.get_by_idempotency_key
    calls = 0

    async def not_yet_committed(self: MemoryOrderRepository, user_id: UUID, key: str):
        # The first look-up runs before the winner committed, as under real concurrency.
        nonlocal calls
        calls += 1
        return None if calls == 1 else await lookup(self, user_id, key)

    monkeypatch.setattr(MemoryOrderRepository, "get_by_idempotency_key", not_yet_committed)

    loser = await shop.place(ana, (mug, 2), key="race")

    assert loser.id == winner.id
    assert shop.product(mug.id).stock == 8 and len(shop.store.orders) == 1


async def test_two_users_may_use_the_same_key(shop: ShopKit):
    mug = await shop.add_product(stock=10)
    ana = await shop.add_customer()
    bob = await shop.add_customer("bob@example.com")

    first = await shop.place(ana, (mug, 2), key="same")
    second = await shop.place(bob, (mug, 2), key="same")

    assert first.id != second.id and shop.product(mug.id).stock == 6


async def test_an_overlong_idempotency_key_is_refused(shop: ShopKit):
    mug = await shop.add_product()
    ana = await shop.add_customer()

    with pytest.raises(ValidationFailed) as err:
        await shop.place(ana, (mug, 2), key="k" * 256)

    assert err.value.errors[0].field == "Idempotency-Key"


async def test_stock_is_never_sold_twice_under_concurrency(shop: ShopKit):
    mug = await shop.add_product("Blue Mug", 1000, 10)
    customers = [await shop.add_customer(f"c{i}@example.com") for i in range(100)]

    results = await asyncio.gather(
        *(shop.place(c, (mug, 1)) for c in customers), return_exceptions=True
    )

    placed = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    assert (len(placed), len(refused)) == (10, 90)
    assert shop.product(mug.id).stock == 0


# --- listing and reading -----------------------------------------------------------------------


async def orders_of_two_customers(shop: ShopKit) -> tuple[Actor, Actor]:
    mug = await shop.add_product(price_cents=1000, stock=50)
    ana = await shop.add_customer()
    bob = await shop.add_customer("bob@example.com")
    for actor, quantity in ((ana, 1), (bob, 3), (ana, 2)):
        await shop.place(actor, (mug, quantity))
        shop.clock.advance(timedelta(seconds=1))
    return ana, bob


async def test_customers_list_only_their_own_orders_newest_first(shop: ShopKit):
    ana, bob = await orders_of_two_customers(shop)

    own = await shop.list_orders()(ana, ListOrdersQuery())
    sneaky = await shop.list_orders()(ana, ListOrdersQuery(user_id=bob.user_id))

    assert [o.total_cents for o in own.items] == [2000, 1000]
    assert [o.total_cents for o in sneaky.items] == [2000, 1000]


async def test_admins_list_every_order_and_filter_and_sort(shop: ShopKit):
    ana, bob = await orders_of_two_customers(shop)
    first = (await shop.list_orders()(ana, ListOrdersQuery(sort="createdAt"))).items[0]
    await shop.cancel_order()(ana, first.id)

    everything = await shop.list_orders()(ADMIN, ListOrdersQuery(sort="-totalCents"))
    bobs = await shop.list_orders()(ADMIN, ListOrdersQuery(user_id=bob.user_id))
    cancelled = await shop.list_orders()(ADMIN, ListOrdersQuery(status=OrderStatus.CANCELLED))
    paged = await shop.list_orders()(ADMIN, ListOrdersQuery(page=PageRequest(2, 2)))

    assert [o.total_cents for o in everything.items] == [3000, 2000, 1000]
    assert [o.user_id for o in bobs.items] == [bob.user_id]
    assert [o.id for o in cancelled.items] == [first.id]
    assert (len(paged.items), paged.total) == (1, 3)


async def test_an_unknown_order_sort_field_is_refused(shop: ShopKit):
    ana = await shop.add_customer()

    with pytest.raises(ValidationFailed) as err:
        await shop.list_orders()(ana, ListOrdersQuery(sort="status"))

    assert err.value.errors[0].field == "sort"


async def test_a_customer_follows_the_next_cursor_through_their_own_orders_only(shop: ShopKit):
    ana, _ = await orders_of_two_customers(shop)
    everyones_first = await shop.list_orders()(ADMIN, ListOrdersQuery(page=PageRequest(limit=1)))
    assert everyones_first.next_cursor is not None
    cursor = Cursor.decode(everyones_first.next_cursor)

    rest = await shop.list_orders()(ana, ListOrdersQuery(page=PageRequest(limit=1, cursor=cursor)))

    # After everyone's newest (Ana's $20.00) come Bob's $30.00 and Ana's $10.00: Ana sees hers.
    assert [o.total_cents for o in rest.items] == [1000]
    assert (rest.page, rest.total, rest.next_cursor) == (None, 2, None)


async def test_an_order_cursor_made_for_another_sort_is_refused(shop: ShopKit):
    ana, _ = await orders_of_two_customers(shop)
    first = await shop.list_orders()(ana, ListOrdersQuery(page=PageRequest(limit=1)))
    assert first.next_cursor is not None
    cursor = Cursor.decode(first.next_cursor)

    with pytest.raises(ValidationFailed) as err:
        await shop.list_orders()(
            ana, ListOrdersQuery(sort="totalCents", page=PageRequest(limit=1, cursor=cursor))
        )

    assert err.value.errors[0].field == "cursor"


async def test_owner_and_admin_read_an_order_others_get_not_found(shop: ShopKit):
    mug = await shop.add_product(price_cents=1000)
    ana = await shop.add_customer()
    bob = await shop.add_customer("bob@example.com")
    editor = await shop.add_staff(Role.EDITOR)
    order = await shop.place(ana, (mug, 1))

    assert (await shop.get_order()(ana, order.id)).id == order.id
    assert (await shop.get_order()(ADMIN, order.id)).id == order.id
    for stranger in (bob, editor):
        with pytest.raises(OrderNotFound, match="Order not found"):
            await shop.get_order()(stranger, order.id)
    with pytest.raises(OrderNotFound):
        await shop.get_order()(ana, uuid4())


# --- cancelling and expiry ---------------------------------------------------------------------


async def test_cancelling_a_pending_order_releases_its_stock(shop: ShopKit):
    mug = await shop.add_product(price_cents=1000, stock=10)
    ana = await shop.add_customer()
    order = await shop.place(ana, (mug, 4))

    cancelled = await shop.cancel_order()(ana, order.id)

    assert cancelled.status is OrderStatus.CANCELLED
    assert shop.product(mug.id).stock == 10


async def test_admins_cancel_any_order_strangers_get_not_found(shop: ShopKit):
    mug = await shop.add_product(price_cents=1000, stock=10)
    ana = await shop.add_customer()
    bob = await shop.add_customer("bob@example.com")
    order = await shop.place(ana, (mug, 4))

    with pytest.raises(OrderNotFound):
        await shop.cancel_order()(bob, order.id)
    await shop.cancel_order()(ADMIN, order.id)

    assert shop.order(order.id).status is OrderStatus.CANCELLED


async def test_only_pending_orders_can_be_cancelled(shop: ShopKit):
    mug = await shop.add_product(price_cents=1000, stock=10)
    ana = await shop.add_customer()
    order = await shop.place(ana, (mug, 4))
    await shop.cancel_order()(ana, order.id)

    with pytest.raises(InvalidTransition):
        await shop.cancel_order()(ana, order.id)

    assert shop.product(mug.id).stock == 10


async def test_expiry_cancels_pending_orders_past_their_deadline_and_releases_stock(
    shop: ShopKit,
):
    mug = await shop.add_product(price_cents=1000, stock=10)
    ana = await shop.add_customer()
    old = await shop.place(ana, (mug, 3))
    old_paid = await shop.paid_order(ana, mug, 2)
    shop.clock.advance(timedelta(minutes=20))
    fresh = await shop.place(ana, (mug, 1))
    shop.clock.advance(timedelta(minutes=10))

    expired = await shop.expire_orders()()

    assert expired == 1
    assert shop.order(old.id).status is OrderStatus.CANCELLED
    assert shop.order(old_paid.id).status is OrderStatus.PAID
    assert shop.order(fresh.id).status is OrderStatus.PENDING
    assert shop.product(mug.id).stock == 10 - 2 - 1
    assert await shop.expire_orders()() == 0


async def test_expiry_works_in_batches(shop: ShopKit):
    mug = await shop.add_product(price_cents=1000, stock=10)
    ana = await shop.add_customer()
    for _ in range(3):
        await shop.place(ana, (mug, 1))
    shop.clock.advance(timedelta(hours=1))

    counts = [await shop.expire_orders(batch_size=2)() for _ in range(3)]

    assert counts == [2, 1, 0]
    assert shop.product(mug.id).stock == 10
