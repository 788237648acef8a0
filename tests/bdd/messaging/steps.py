"""Steps about email: what was sent to whom, and outages and recoveries of the mail service."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from tests.bdd.messaging.world import MessagingWorld


@given("the mail service is down")
def mail_service_down(messaging: MessagingWorld) -> None:
    """Every delivery attempt fails until the service is back."""
    messaging.driver.set_mail_service(up=False)


@when("the mail service is back")
def mail_service_back(messaging: MessagingWorld) -> None:
    """Delivery attempts succeed again."""
    messaging.driver.set_mail_service(up=True)


@then(parsers.re(r'an email "(?P<subject>[^"]+)" is sent to "(?P<to>[^"]+)"'))
def email_sent(messaging: MessagingWorld, subject: str, to: str) -> None:
    """At least one email with this subject went to this address."""
    sent = messaging.driver.emails_to(to, subject)
    assert sent, f"no email {subject!r} to {to}; sent: {messaging.driver.sent_emails()}"


@then(
    parsers.re(
        r'(?P<count>\d+) emails? "(?P<subject>[^"]+)" (?:have|has) been sent to "(?P<to>[^"]+)"'
    )
)
def emails_sent(messaging: MessagingWorld, count: str, subject: str, to: str) -> None:
    """Exactly this many emails with this subject went to this address."""
    sent = messaging.driver.emails_to(to, subject)
    assert len(sent) == int(count), f"expected {count} emails {subject!r} to {to}, got {sent}"


@then(parsers.re(r'no email is sent to "(?P<to>[^"]+)"'))
def no_email_sent(messaging: MessagingWorld, to: str) -> None:
    """Nothing at all went to this address."""
    sent = messaging.driver.emails_to(to)
    assert not sent, f"expected no email to {to}, got {sent}"
