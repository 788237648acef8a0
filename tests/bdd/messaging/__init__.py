"""Messaging specs: the emails the store sends, and outages of the mail service."""

from tests.bdd.messaging.driver import MessagingDriver
from tests.bdd.messaging.world import MessagingWorld
from tests.bdd.shared.context import Context

# Email is read through the container for both ways in, so one driver serves both.
CONTEXT = Context(
    name="messaging",
    drivers={"use_case": MessagingDriver, "http": MessagingDriver},
    part=MessagingWorld,
    steps=("tests.bdd.messaging.steps",),
)
