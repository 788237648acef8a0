"""The recipient check every mail transport runs before it hands an email over."""

from __future__ import annotations

from application.messaging.ports import MailDeliveryError
from domain.accounts import is_bare_email


def ensure_bare_recipient(to: str) -> None:
    """Raise MailDeliveryError unless `to` is one bare address: a transport must never read a
    display name or a second recipient out of it (`x<attacker@evil.example>`)."""
    if not is_bare_email(to):
        raise MailDeliveryError("refusing a recipient that is not a bare email address")
