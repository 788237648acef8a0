"""Binds every ordering feature file; the scenarios run on the driver chosen with --driver."""

from pytest_bdd import scenarios

scenarios(
    "ordering/placing_orders.feature",
    "ordering/order_lifecycle.feature",
    "ordering/payment.feature",
    "ordering/expiry.feature",
)
