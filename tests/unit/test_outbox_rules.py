"""Outbox delivery bookkeeping: backoff, dead-lettering, success."""

from datetime import UTC, datetime, timedelta

from domain.messages import (
    OUTBOX_MAX_DELAY,
    EmailMessage,
    OutboxMessage,
    OutboxStatus,
)

NOW = datetime(2026, 1, 31, 12, tzinfo=UTC)


def pending() -> OutboxMessage:
    return OutboxMessage.new(EmailMessage("ana@example.com", "Hi", "body", "test"), NOW)


def test_a_new_message_is_pending_and_due_now():
    message = pending()

    assert message.status is OutboxStatus.PENDING
    assert message.attempts == 0
    assert message.next_attempt_at == NOW


def test_failed_attempts_back_off_exponentially_from_two_seconds():
    message = pending()
    delays = []
    for _ in range(4):
        message.mark_failed("down", NOW, max_attempts=10)
        delays.append(message.next_attempt_at - NOW)

    assert delays == [timedelta(seconds=s) for s in (2, 4, 8, 16)]
    assert message.status is OutboxStatus.PENDING
    assert message.last_error == "down"


def test_the_backoff_is_capped():
    message = pending()
    for _ in range(20):
        message.mark_failed("down", NOW, max_attempts=100)

    assert message.next_attempt_at - NOW == OUTBOX_MAX_DELAY


def test_a_message_is_dead_after_the_last_allowed_attempt():
    message = pending()
    message.mark_failed("down", NOW, max_attempts=2)
    message.mark_failed("still down", NOW, max_attempts=2)

    assert message.status is OutboxStatus.DEAD
    assert message.attempts == 2
    assert message.last_error == "still down"


def test_a_long_error_is_truncated():
    message = pending()
    message.mark_failed("x" * 2000, NOW)

    assert message.last_error is not None
    assert len(message.last_error) == 500


def test_a_sent_message_records_the_provider_id_and_clears_the_error():
    message = pending()
    message.mark_failed("down", NOW)
    message.mark_sent("provider-1", NOW + timedelta(seconds=5))

    assert message.status is OutboxStatus.SENT
    assert message.provider_message_id == "provider-1"
    assert message.sent_at == NOW + timedelta(seconds=5)
    assert message.last_error is None
    assert message.attempts == 2
