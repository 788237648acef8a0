"""The one place a bounded context is registered with the specs.

A new context brings its folder, tests/bdd/<name>/ (driver, World part, steps, and a
test module binding features/<name>/), and one entry here; the conftest, the World and
the step-vocabulary check all read this tuple.
"""

from tests.bdd import accounts, catalog, messaging, ordering
from tests.bdd.shared.context import Context

# Step modules load in this order; the World keeps one part per entry.
CONTEXTS: tuple[Context, ...] = (
    accounts.CONTEXT,
    catalog.CONTEXT,
    ordering.CONTEXT,
    messaging.CONTEXT,
)

# Steps every context may use: time, outcomes and refusals, list totals.
SHARED_STEPS = ("tests.bdd.shared.steps",)


def step_modules() -> tuple[str, ...]:
    """Every module that defines steps, shared ones first."""
    return SHARED_STEPS + tuple(module for c in CONTEXTS for module in c.steps)
