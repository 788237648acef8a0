"""What a scenario remembers about orders: which were placed, by whom, and their payments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.bdd.ordering.driver import OrderingDriver


@dataclass
class OrderingWorld:
    """The ordering part of one scenario's state, shared by its steps."""

    driver: OrderingDriver
    # Orders placed in the scenario, oldest first, and who placed each one.
    orders: list[str] = field(default_factory=list)
    order_owner: dict[str, str] = field(default_factory=dict)
    # The order id every successful ordering attempt returned, repeats included.
    placements: list[str] = field(default_factory=list)
    # Every payment started successfully, oldest first.
    payments: list[dict[str, Any]] = field(default_factory=list)

    def order_id(self, of: str | None = None) -> str:
        """The latest order placed in the scenario, or the latest one of this person."""
        orders = self.orders
        if of is not None:
            orders = [o for o in orders if self.order_owner[o] == of.lower()]
        assert orders, f"no order was placed{f' by {of}' if of else ''} in this scenario"
        return orders[-1]

    def payment(self) -> dict[str, Any]:
        """The latest payment started in the scenario."""
        assert self.payments, "nobody started to pay in this scenario"
        return self.payments[-1]
