"""Use case: a customer places an order."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

from application.accounts.views import UserView
from application.ordering.access import require_user
from application.ordering.commands import PlaceOrderCommand
from application.ordering.ports import IdempotencyKeyTaken, OrderingUnitOfWork
from application.ordering.views import OrderView
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.accounts import Tier
from domain.catalog import InsufficientStock, Product
from domain.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from domain.ordering import (
    IdempotencyKeyReused,
    MinimumOrderAmount,
    Order,
    OrderLine,
    check_requested_items,
    normalize_idempotency_key,
)


class PlaceOrder:
    """Place a pending order at today's prices and reserve its stock, idempotently per key."""

    def __init__(
        self, uow: OrderingUnitOfWork, clock: Clock, currency: str, order_ttl: timedelta
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._currency = currency
        self._order_ttl = order_ttl

    async def __call__(self, actor: Actor, cmd: PlaceOrderCommand) -> OrderView:
        """The new order (or the one placed earlier with the same key), or PermissionDenied /
        ValidationFailed / MinimumOrderAmount / InsufficientStock / IdempotencyKeyReused."""
        user_id = require_user(actor)
        key = normalize_idempotency_key(cmd.idempotency_key)
        check_requested_items(cmd.items)
        try:
            async with self._uow as uow:
                if key is not None:
                    earlier = await uow.orders.get_by_idempotency_key(user_id, key)
                    if earlier is not None:
                        return self._replayed(earlier, cmd)
                order = await self._place(uow, actor, user_id, cmd, key)
                await uow.orders.add(order)
                await uow.commit()
        except IdempotencyKeyTaken:
            # A concurrent request with the same key won; our reservations were rolled back.
            return await self._existing(user_id, key, cmd)
        return OrderView.from_order(order)

    async def _place(
        self,
        uow: OrderingUnitOfWork,
        actor: Actor,
        user_id: UUID,
        cmd: PlaceOrderCommand,
        key: str | None,
    ) -> Order:
        tier = await self._tier(uow, actor, user_id)
        # Each line's reservation is also its read (try_reserve returns the product as
        # reserved), so a placement costs one statement per line, not a read and an update.
        # A fixed order (by product id) so two concurrent orders lock rows in the same order
        # and can't deadlock; a refusal rolls back every reservation made before it.
        reserved: dict[UUID, Product] = {}
        for item in sorted(cmd.items, key=lambda item: item.product_id):
            product = await uow.products.try_reserve(item.product_id, item.quantity)
            if product is None:
                raise await self._refusal(uow, cmd, tier, item.product_id)
            reserved[product.id] = product
        # The price is copied into the line: later price changes don't touch the order.
        lines = [_line(reserved[item.product_id], item.quantity) for item in cmd.items]
        return Order.place(
            user_id, lines, tier, self._currency, self._clock.now(), self._order_ttl, key
        )

    @staticmethod
    async def _tier(uow: OrderingUnitOfWork, actor: Actor, user_id: UUID) -> Tier:
        # Authentication read the account for this request a moment ago: no second read.
        if isinstance(actor.profile, UserView) and actor.profile.id == user_id:
            return actor.profile.tier
        user = await uow.users.get(user_id)
        if user is None:
            raise PermissionDenied("Only a signed-in user can do this")
        return user.tier

    async def _refusal(
        self, uow: OrderingUnitOfWork, cmd: PlaceOrderCommand, tier: Tier, refused_id: UUID
    ) -> Exception:
        """Why a reservation was refused, in the contract's order of precedence: unknown or
        inactive products (400, every one named), then the minimum amount (422), then the
        stock (409). Only a refused order pays for this read; the caller rolls back."""
        products = await uow.products.get_many([item.product_id for item in cmd.items])
        errors = [
            FieldError(f"items[{index}].productId", "Unknown or inactive product")
            for index, item in enumerate(cmd.items)
            if (product := products.get(item.product_id)) is None or not product.active
        ]
        if errors:
            return ValidationFailed(*errors)
        lines = [_line(products[item.product_id], item.quantity) for item in cmd.items]
        try:
            Order.place(uuid4(), lines, tier, self._currency, self._clock.now(), self._order_ttl)
        except MinimumOrderAmount as refused:
            return refused
        return InsufficientStock(products[refused_id].name)

    async def _existing(self, user_id: UUID, key: str | None, cmd: PlaceOrderCommand) -> OrderView:
        async with self._uow as uow:
            order = (
                await uow.orders.get_by_idempotency_key(user_id, key) if key is not None else None
            )
        if order is None:  # the winner rolled back after all; the client may simply retry
            raise Conflict("An order with this Idempotency-Key is being placed; try again")
        return self._replayed(order, cmd)

    @staticmethod
    def _replayed(order: Order, cmd: PlaceOrderCommand) -> OrderView:
        # The key names one request: other items under it are a client bug, never a repeat.
        if not order.was_placed_for(cmd.items):
            raise IdempotencyKeyReused()
        return OrderView.from_order(order)


def _line(product: Product, quantity: int) -> OrderLine:
    return OrderLine(product.id, product.name, product.price_cents, quantity)
