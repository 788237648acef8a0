"""The ordering actions as requests to the HTTP API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.bdd.ordering.driver import OrderFilters, OrderingDriver
from tests.bdd.shared.outcome import Outcome

if TYPE_CHECKING:
    # Only for the annotations: the default run never loads the app.
    from tests.bdd.shared.http import HttpSystem


class HttpOrdering(OrderingDriver):
    """Sends the ordering actions to /orders and the sandbox provider's endpoints."""

    system: HttpSystem

    def __init__(self, system: HttpSystem) -> None:
        super().__init__(system)
        self.send = system.send

    def place_order(
        self,
        access: str | None,
        items: list[tuple[str, int]],
        idempotency_key: str | None = None,
    ) -> Outcome:
        """Order products."""
        body = {"items": [{"productId": p, "quantity": q} for p, q in items]}
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self.send("POST", "/orders", access=access, json=body, headers=headers)

    def list_orders(self, access: str | None, filters: OrderFilters) -> Outcome:
        """One's own orders, or everyone's for an admin."""
        wire = {
            "userId": filters.user_id,
            "status": filters.status,
            "sort": filters.sort,
            "page": filters.page,
            "limit": filters.limit,
        }
        params = {k: str(v) for k, v in wire.items() if v is not None}
        return self.send("GET", "/orders", access=access, params=params)

    def get_order(self, access: str | None, order_id: str) -> Outcome:
        """Look at one order."""
        return self.send("GET", f"/orders/{order_id}", access=access)

    def cancel_order(self, access: str | None, order_id: str) -> Outcome:
        """Cancel a pending order."""
        return self.send("POST", f"/orders/{order_id}/cancel", access=access)

    def ship_order(self, access: str | None, order_id: str) -> Outcome:
        """Staff ship a paid order."""
        return self.send("POST", f"/orders/{order_id}/ship", access=access)

    def refund_order(self, access: str | None, order_id: str) -> Outcome:
        """An admin refunds a paid or shipped order."""
        return self.send("POST", f"/orders/{order_id}/refund", access=access)

    def start_payment(self, access: str | None, order_id: str) -> Outcome:
        """The owner starts paying an order."""
        return self.send("POST", f"/orders/{order_id}/payment", access=access)

    def settle_payment(self, intent_id: str, succeed: bool) -> Outcome:
        """The sandbox provider settles a payment: the same handler as the Stripe webhook."""
        action = "succeed" if succeed else "fail"
        return self.send("POST", f"/sandbox/payments/{intent_id}/{action}")
