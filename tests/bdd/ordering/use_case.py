"""The ordering actions on the use cases."""

from __future__ import annotations

from uuid import UUID

from application.ordering.commands import ListOrdersQuery, PlaceOrderCommand
from application.ordering.views import OrderView
from application.shared.actor import Actor
from application.shared.paging import Page, PageRequest
from domain.ordering import OrderStatus, RequestedItem
from tests.bdd.ordering.driver import OrderFilters, OrderingDriver, intent_data, order_data
from tests.bdd.shared.outcome import Outcome
from tests.bdd.shared.shapes import page_of
from tests.bdd.shared.use_case import UseCaseSystem


class UseCaseOrdering(OrderingDriver):
    """Calls the ordering and payment use cases from the container."""

    system: UseCaseSystem

    def __init__(self, system: UseCaseSystem) -> None:
        super().__init__(system)
        self.container = system.container

    def place_order(
        self,
        access: str | None,
        items: list[tuple[str, int]],
        idempotency_key: str | None = None,
    ) -> Outcome:
        """Order products."""
        cmd = PlaceOrderCommand(
            items=tuple(RequestedItem(UUID(p), q) for p, q in items),
            idempotency_key=idempotency_key,
        )
        return self.system.as_bearer(
            access, lambda actor: self.container.ordering.place_order()(actor, cmd), order_data
        )

    def list_orders(self, access: str | None, filters: OrderFilters) -> Outcome:
        """One's own orders, or everyone's for an admin."""

        async def act(actor: Actor) -> Page[OrderView]:
            query = ListOrdersQuery(
                user_id=UUID(filters.user_id) if filters.user_id else None,
                status=OrderStatus(filters.status) if filters.status else None,
                sort=filters.sort,
                page=PageRequest(page=filters.page or 1, limit=filters.limit or 20),
            )
            return await self.container.ordering.list_orders()(actor, query)

        return self.system.as_bearer(access, act, page_of(order_data))

    def get_order(self, access: str | None, order_id: str) -> Outcome:
        """Look at one order."""
        return self.system.as_bearer(
            access,
            lambda actor: self.container.ordering.get_order()(actor, UUID(order_id)),
            order_data,
        )

    def cancel_order(self, access: str | None, order_id: str) -> Outcome:
        """Cancel a pending order."""
        return self.system.as_bearer(
            access,
            lambda actor: self.container.ordering.cancel_order()(actor, UUID(order_id)),
            order_data,
        )

    def ship_order(self, access: str | None, order_id: str) -> Outcome:
        """Staff ship a paid order."""
        return self.system.as_bearer(
            access,
            lambda actor: self.container.ordering.ship_order()(actor, UUID(order_id)),
            order_data,
        )

    def refund_order(self, access: str | None, order_id: str) -> Outcome:
        """An admin refunds a paid or shipped order."""
        return self.system.as_bearer(
            access,
            lambda actor: self.container.ordering.refund_order()(actor, UUID(order_id)),
            order_data,
        )

    def start_payment(self, access: str | None, order_id: str) -> Outcome:
        """The owner starts paying an order."""
        return self.system.as_bearer(
            access,
            lambda actor: self.container.ordering.start_payment()(actor, UUID(order_id)),
            intent_data,
        )

    def settle_payment(self, intent_id: str, succeed: bool) -> Outcome:
        """The sandbox provider settles a payment, as POST /sandbox/payments/{id}/... does."""
        return self.system.do(
            lambda: self.container.ordering.simulate_payment()(intent_id, succeed),
            lambda outcome: {"outcome": str(outcome)},
        )
