"""Use case: customers page through their orders, admins through all."""

from __future__ import annotations

from application.accounts.actor import Actor
from application.ordering.commands import ListOrdersQuery
from application.ordering.views import OrderView
from application.pagination import Page
from application.ports import UnitOfWork


class ListOrders:
    """One page of orders."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, actor: Actor, query: ListOrdersQuery) -> Page[OrderView]:
        """Not implemented yet."""
        raise NotImplementedError
