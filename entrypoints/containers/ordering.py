"""The ordering context: orders, their payments and their expiry."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from application.ordering.cancel_order import CancelOrder
from application.ordering.emails import OrderEmails
from application.ordering.expire_orders import ExpireOrders
from application.ordering.get_order import GetOrder
from application.ordering.handle_payment_event import HandlePaymentEvent
from application.ordering.list_orders import ListOrders
from application.ordering.place_order import PlaceOrder
from application.ordering.refund_order import RefundOrder
from application.ordering.ship_order import ShipOrder
from application.ordering.simulate_payment import SimulatePayment
from application.ordering.start_payment import StartPayment
from entrypoints.containers.access import AdminOnly, Public, SignedIn, StaffOnly


def _minutes(value: int) -> timedelta:
    return timedelta(minutes=value)


class OrderingContainer(containers.DeclarativeContainer):
    """The ordering and payment use cases, wired to the shared adapters in `core`."""

    core = providers.DependenciesContainer()

    emails = providers.Singleton(OrderEmails, app_url=core.settings.provided.app_url)
    order_ttl = providers.Callable(_minutes, core.settings.provided.order_ttl_minutes)

    # --- a customer's orders, and staff handling them (the use cases check the role) -----
    place_order = SignedIn(
        PlaceOrder, uow=core.uow, clock=core.clock, currency=core.currency, order_ttl=order_ttl
    )
    list_orders = SignedIn(ListOrders, uow=core.read_uow)
    get_order = SignedIn(GetOrder, uow=core.read_uow)
    cancel_order = SignedIn(CancelOrder, uow=core.uow, clock=core.clock)
    start_payment = SignedIn(
        StartPayment, uow=core.uow, gateway=core.payment_gateway, clock=core.clock
    )
    ship_order = StaffOnly(ShipOrder, uow=core.uow, clock=core.clock, emails=emails)
    refund_order = AdminOnly(
        RefundOrder, uow=core.uow, gateway=core.payment_gateway, clock=core.clock, emails=emails
    )

    # --- the payment provider calling back (the webhook checks its signature), and the
    # sandbox's stand-in for it
    handle_payment_event = Public(HandlePaymentEvent, uow=core.uow, clock=core.clock, emails=emails)
    simulate_payment = Public(
        SimulatePayment, uow=core.uow, handle_payment_event=handle_payment_event
    )

    # --- internal: the worker's and the CLI's ----------------------------------------------
    expire_orders = providers.Factory(ExpireOrders, uow=core.uow, clock=core.clock)
