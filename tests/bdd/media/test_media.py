"""Binds every media feature file; the scenarios run on the driver chosen with --driver."""

from pytest_bdd import scenarios

# The whole folder: a new feature file under features/media/ runs without touching Python.
scenarios("media")
