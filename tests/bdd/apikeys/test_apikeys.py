"""Binds every API keys feature file; the scenarios run on the driver chosen with --driver."""

from pytest_bdd import scenarios

scenarios("apikeys")
