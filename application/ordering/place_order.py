"""Use case: a customer places an order."""

from __future__ import annotations

from datetime import timedelta

from application.accounts.actor import Actor
from application.ordering.commands import PlaceOrderCommand
from application.ordering.views import OrderView
from application.ports import Clock, UnitOfWork


class PlaceOrder:
    """Place an order, reserving stock."""

    def __init__(self, uow: UnitOfWork, clock: Clock, currency: str, order_ttl: timedelta) -> None:
        self._uow = uow
        self._clock = clock
        self._currency = currency
        self._order_ttl = order_ttl

    async def __call__(self, actor: Actor, cmd: PlaceOrderCommand) -> OrderView:
        """Not implemented yet."""
        raise NotImplementedError
