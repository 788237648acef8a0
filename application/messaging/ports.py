"""Messaging ports: the mail transport the outbox dispatcher hands emails to."""

from __future__ import annotations

from typing import Protocol

from application.shared.ports import Transaction
from domain.messages import EmailMessage


class Mailer(Protocol):
    """Hands an email to a transport; returns the provider's message id."""

    async def send(self, message: EmailMessage) -> str:
        """Send, or raise MailDeliveryError."""
        ...

    async def check(self) -> None:
        """Raise if the transport cannot be reached (readiness)."""
        ...


class MailDeliveryError(Exception):
    """The mail transport refused or could not be reached."""


class MessagingUnitOfWork(Transaction, Protocol):
    """One transaction over the outbox."""
