"""Drivers: one way each into the system, behind the same business actions."""

from tests.bdd.drivers.base import Driver, OrderFilters, Outcome, ProductFilters, UserFilters

__all__ = ["Driver", "OrderFilters", "Outcome", "ProductFilters", "UserFilters"]
