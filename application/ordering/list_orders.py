"""Use case: customers page through their orders, admins through everyone's."""

from __future__ import annotations

from application.ordering.access import require_user
from application.ordering.commands import ListOrdersQuery
from application.ordering.ports import (
    ORDER_SORT_FIELDS,
    ORDER_SORT_SHAPES,
    OrderingUnitOfWork,
    OrderQuery,
)
from application.ordering.views import OrderView
from application.shared.actor import Actor
from application.shared.paging import Page, Sort

# Newest first: what a customer looking at "my orders" expects.
DEFAULT_ORDER_SORT = Sort("createdAt", descending=True)


class ListOrders:
    """One page of orders: one's own, or for admins everyone's with optional filters."""

    def __init__(self, uow: OrderingUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, actor: Actor, query: ListOrdersQuery) -> Page[OrderView]:
        """One page, or ValidationFailed (unknown sort field, a cursor made for another
        sort)."""
        sort = Sort.parse(query.sort, ORDER_SORT_FIELDS, DEFAULT_ORDER_SORT)
        if query.page.cursor is not None:
            query.page.cursor.check_sort(sort, ORDER_SORT_SHAPES[sort.field])
        # Anyone but an admin sees only their own orders, whatever userId they pass. A
        # cursor only says where to start, so it can't widen that either.
        user_id = query.user_id if actor.is_admin else require_user(actor)
        repo_query = OrderQuery(user_id=user_id, status=query.status, sort=sort, page=query.page)
        async with self._uow as uow:
            page = await uow.orders.list(repo_query)
        return page.map(OrderView.from_order)
