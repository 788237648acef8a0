"""Ordering specs: placing orders, their lifecycle, payment and expiry."""

from tests.bdd.ordering.http import HttpOrdering
from tests.bdd.ordering.use_case import UseCaseOrdering
from tests.bdd.ordering.world import OrderingWorld
from tests.bdd.shared.context import Context

CONTEXT = Context(
    name="ordering",
    drivers={"use_case": UseCaseOrdering, "http": HttpOrdering},
    part=OrderingWorld,
    steps=("tests.bdd.ordering.steps", "tests.bdd.ordering.outcome_steps"),
)
