"""The mail the store sends, read the same way by both drivers: through the outbox dispatcher."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from dependency_injector import providers

from domain.messages import EmailMessage
from tests.bdd.shared.system import System
from tests.support.fakes import RecordingMailer


def token_in(message: EmailMessage) -> str:
    """The one-time token carried by the link in an account email."""
    match = re.search(r"https?://\S+", message.text_body)
    assert match, f"no link in the email {message.subject!r}"
    tokens = parse_qs(urlparse(match.group(0)).query).get("token")
    assert tokens, f"no token in the link {match.group(0)!r}"
    return tokens[0]


class MessagingDriver:
    """A recording mail service behind the container, and the emails it received.

    Both ways in share it: email is a side effect, read after the outbox has been
    delivered exactly as the background worker would deliver it.
    """

    def __init__(self, system: System) -> None:
        self.system = system
        self.mailer = RecordingMailer()
        system.container.core.mailer.override(providers.Object(self.mailer))

    def set_mail_service(self, *, up: bool) -> None:
        """Make every delivery attempt fail (down) or succeed again (up)."""
        self.mailer.down = not up

    def sent_emails(self) -> list[EmailMessage]:
        """Deliver the outbox through the dispatcher, then list every email sent so far."""
        container = self.system.container

        async def drain() -> None:
            while (await container.messaging.dispatch_outbox()()).attempted:
                pass

        self.system.run(drain)
        return list(self.mailer.sent)

    def emails_to(self, to: str, subject: str | None = None) -> list[EmailMessage]:
        """Emails sent to one address, optionally with one subject, oldest first."""
        return [
            m
            for m in self.sent_emails()
            if m.to == to.lower() and (subject is None or m.subject == subject)
        ]

    def token_from_last_email(self, to: str, subject: str) -> str:
        """The token in the newest email with this subject sent to this address."""
        emails = self.emails_to(to, subject)
        assert emails, f"no email {subject!r} was sent to {to}"
        return token_in(emails[-1])
