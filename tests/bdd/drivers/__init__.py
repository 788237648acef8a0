"""Drivers: one way each into the system, behind the same business actions."""

from tests.bdd.drivers.base import Driver, Outcome, UserFilters

__all__ = ["Driver", "Outcome", "UserFilters"]
