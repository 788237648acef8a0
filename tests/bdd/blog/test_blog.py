"""Binds every blog feature file; the scenarios run on the driver chosen with --driver."""

from pytest_bdd import scenarios

# The whole folder: a new feature file under features/blog/ runs without touching Python.
scenarios("blog")
