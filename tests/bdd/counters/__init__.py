"""Counters specs: pages add hits and read counts and badges with API keys; admins list."""

from tests.bdd.counters.http import HttpCounters
from tests.bdd.counters.use_case import UseCaseCounters
from tests.bdd.counters.world import CountersWorld
from tests.bdd.shared.context import Context

CONTEXT = Context(
    name="counters",
    drivers={"use_case": UseCaseCounters, "http": HttpCounters},
    part=CountersWorld,
    steps=("tests.bdd.counters.steps",),
)
