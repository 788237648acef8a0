"""Binds every catalog feature file; the scenarios run on the driver chosen with --driver."""

from pytest_bdd import scenarios

scenarios(
    "catalog/product_management.feature",
    "catalog/browsing.feature",
)
