"""Test-only fakes of the hasher and mailer ports: fast, inspectable, switchable off.

Production code never imports this module; tests wire the fakes with `Container.override`.
"""

from __future__ import annotations

import hashlib

from application.messaging.ports import MailDeliveryError
from domain.accounts import is_bare_email
from domain.messages import EmailMessage


class FastPasswordHasher:
    """A salted SHA-256 stand-in for argon2, so unit tests and specs stay in milliseconds.

    Not for production: tests wire it in with `Container.override`.
    """

    _DUMMY = "fake$00$" + "0" * 64

    async def hash(self, password: str) -> str:
        """Hash with a fixed scheme marker so it can't be mistaken for argon2."""
        salt = hashlib.sha256(password.encode() + b"salt").hexdigest()[:8]
        return f"fake${salt}${hashlib.sha256((salt + password).encode()).hexdigest()}"

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Compare; None compares against a dummy and is always False."""
        stored = password_hash or self._DUMMY
        try:
            _, salt, digest = stored.split("$")
        except ValueError:
            return False
        ok = hashlib.sha256((salt + password).encode()).hexdigest() == digest
        return ok and password_hash is not None


class RecordingMailer:
    """Keeps sent emails in a list; can be switched off to simulate an outage."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.down = False
        self._counter = 0

    async def send(self, message: EmailMessage) -> str:
        """Record the message or fail while down."""
        if self.down:
            raise MailDeliveryError("recording mailer is down")
        # The same recipient rule as the real transports.
        if not is_bare_email(message.to):
            raise MailDeliveryError("refusing a recipient that is not a bare email address")
        self.sent.append(message)
        self._counter += 1
        return f"recorded-{self._counter}"

    async def check(self) -> None:
        """Fail while down."""
        if self.down:
            raise MailDeliveryError("recording mailer is down")
