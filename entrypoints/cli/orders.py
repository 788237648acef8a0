"""`hexashop orders`: orders and their payments."""

from __future__ import annotations

from uuid import UUID

import click

from application.ordering.commands import ListOrdersQuery
from application.ordering.views import OrderView
from application.shared.actor import Actor
from application.shared.paging import Page, PageRequest, every_item
from domain.ordering import OrderStatus
from domain.payments import format_money
from entrypoints.cli.common import EXIT_REFUSED, fail, run, table
from entrypoints.containers import Container
from entrypoints.worker import expire_overdue_orders


@click.group()
def orders() -> None:
    """Orders and their payments."""


_ORDER_COLUMNS = ("id", "user_id", "status", "total", "created")


def _order_row(order: OrderView) -> tuple[str, ...]:
    return (
        str(order.id),
        str(order.user_id),
        str(order.status),
        format_money(order.total_cents, order.currency),
        order.created_at.strftime("%Y-%m-%d %H:%M"),
    )


@orders.command("list")
@click.option(
    "--status",
    type=click.Choice([s.value for s in OrderStatus]),
    default=None,
    help="Only orders with this status.",
)
def list_orders(status: str | None) -> None:
    """Show every order (newest first) as a table."""
    wanted = OrderStatus(status) if status else None

    async def work(container: Container) -> list[OrderView]:
        list_orders = container.ordering.list_orders()

        async def fetch(page: PageRequest) -> Page[OrderView]:
            query = ListOrdersQuery(status=wanted, page=page)
            return await list_orders(Actor.system(), query)

        return await every_item(fetch)

    click.echo(table(_ORDER_COLUMNS, [_order_row(o) for o in run(work)]))


@orders.command("expire")
def expire_orders() -> None:
    """Cancel every pending order past its payment deadline now, releasing its stock."""
    expired = run(expire_overdue_orders)
    click.echo(f"expired {expired} orders")


@orders.command("refund")
@click.argument("order_id")
def refund_order(order_id: str) -> None:
    """Refund a paid or shipped order through the payment provider and email the customer."""
    try:
        parsed = UUID(order_id)
    except ValueError:
        fail(f"{order_id!r} is not an order id", EXIT_REFUSED)

    async def work(container: Container) -> OrderView:
        return await container.ordering.refund_order()(Actor.system(), parsed)

    order = run(work)
    click.echo(f"refunded order {order.id} ({format_money(order.total_cents, order.currency)})")
