"""The order emails' wording and links."""

from __future__ import annotations

from dataclasses import dataclass

from domain.messages import EmailMessage
from domain.ordering import Order
from domain.payments import format_money


@dataclass(frozen=True)
class OrderEmails:
    """Renders order emails with a link to the order in the front end at `app_url`."""

    app_url: str

    def _details(self, order: Order) -> str:
        lines = "\n".join(
            f"  {line.quantity} x {line.name} @ "
            f"{format_money(line.unit_price_cents, order.currency)} = "
            f"{format_money(line.line_total_cents, order.currency)}"
            for line in order.lines
        )
        money = [f"Subtotal: {format_money(order.subtotal_cents, order.currency)}"]
        if order.discount_cents:
            money.append(f"Discount: -{format_money(order.discount_cents, order.currency)}")
        money.append(f"Total: {format_money(order.total_cents, order.currency)}")
        link = f"{self.app_url.rstrip('/')}/orders/{order.id}"
        return f"Order {order.id}\n\n{lines}\n\n" + "\n".join(money) + f"\n\nView it: {link}\n"

    def confirmation(self, to: str, order: Order) -> EmailMessage:
        """Sent when the payment of an order succeeded."""
        body = "Thank you! We received your payment.\n\n" + self._details(order)
        return EmailMessage(
            to=to,
            subject=f"Order confirmed: {order.id}",
            text_body=body,
            kind="order_confirmation",
        )

    def shipped(self, to: str, order: Order) -> EmailMessage:
        """Sent when staff ship an order."""
        body = "Good news: your order is on its way.\n\n" + self._details(order)
        return EmailMessage(
            to=to, subject=f"Order shipped: {order.id}", text_body=body, kind="order_shipped"
        )

    def refunded(self, to: str, order: Order) -> EmailMessage:
        """Sent when an order's payment was refunded."""
        body = (
            f"We refunded {format_money(order.total_cents, order.currency)} "
            "to your original payment method.\n\n" + self._details(order)
        )
        return EmailMessage(
            to=to, subject=f"Order refunded: {order.id}", text_body=body, kind="order_refunded"
        )
