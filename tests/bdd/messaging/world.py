"""What a scenario knows of the mail service: the recording one behind the container."""

from __future__ import annotations

from dataclasses import dataclass

from tests.bdd.messaging.driver import MessagingDriver


@dataclass
class MessagingWorld:
    """The messaging part of one scenario: nothing to remember beyond its driver."""

    driver: MessagingDriver
