"""The unit of work as the adapters offer it, and what the application's ports ask of one.

Every context's unit-of-work Protocol is found in `application/<context>/ports.py`, so a new
context is held to the contract tests without being registered here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import TypeAlias

import application
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from application.shared.ports import Transaction

# What a test may ask of a unit of work from any adapter: every context's repositories.
AnyUnitOfWork: TypeAlias = SqlUnitOfWork | MemoryUnitOfWork


def context_units_of_work() -> list[type]:
    """Each context's unit-of-work Protocol (a Transaction declared in its ports module)."""
    found: list[type] = []
    for info in pkgutil.iter_modules(application.__path__):
        if not info.ispkg or info.name == "shared":
            continue
        try:
            ports = importlib.import_module(f"application.{info.name}.ports")
        except ModuleNotFoundError:
            continue
        found += [
            value
            for value in vars(ports).values()
            if inspect.isclass(value)
            and value is not Transaction
            and Transaction in value.__mro__
            and value.__module__ == ports.__name__
        ]
    return found


def repositories_the_ports_name() -> set[str]:
    """Every attribute any context's unit of work declares (its repositories and the outbox)."""
    return {
        name
        for uow in context_units_of_work()
        for klass in uow.__mro__
        for name in inspect.get_annotations(klass)
    }
