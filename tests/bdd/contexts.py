"""The bounded contexts the specs know: every package under tests/bdd/ that declares a CONTEXT.

A new context brings its folder, tests/bdd/<name>/ (driver, World part, steps, and a test
module binding features/<name>/) whose `__init__` declares `CONTEXT`; nothing here changes.
The conftest, the World and the step-vocabulary check all read `CONTEXTS`.
"""

from __future__ import annotations

import importlib
import pkgutil

import tests.bdd
from tests.bdd.shared.context import Context

# Steps every context may use: time, outcomes and refusals, list totals.
SHARED_STEPS = ("tests.bdd.shared.steps",)


def _discover() -> tuple[Context, ...]:
    """Each context package's CONTEXT, by name. Order can't matter: the vocabulary check
    proves no phrase matches two steps, and World parts are independent."""
    found = []
    for info in pkgutil.iter_modules(tests.bdd.__path__):
        if info.ispkg:
            context = getattr(importlib.import_module(f"tests.bdd.{info.name}"), "CONTEXT", None)
            if isinstance(context, Context):
                found.append(context)
    return tuple(sorted(found, key=lambda context: context.name))


CONTEXTS: tuple[Context, ...] = _discover()


def step_modules() -> tuple[str, ...]:
    """Every module that defines steps, shared ones first."""
    return SHARED_STEPS + tuple(module for c in CONTEXTS for module in c.steps)
