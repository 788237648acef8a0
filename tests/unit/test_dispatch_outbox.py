"""Delivering queued emails: success, retries with backoff during an outage, dead letters."""

import contextlib
import logging
from datetime import timedelta

from use_case_kit import Kit

from application.accounts.commands import RegisterUserCommand
from application.messaging.dispatch_outbox import DispatchReport
from domain.errors import ServiceUnavailable
from domain.messages import OutboxStatus


async def queue_verification_email(kit: Kit, email: str = "ana@example.com") -> None:
    await kit.register_user()(RegisterUserCommand(email, kit.password))


async def test_due_messages_are_sent_and_marked_sent(kit: Kit):
    await queue_verification_email(kit)

    report = await kit.dispatch_outbox()()

    assert report == DispatchReport(sent=1)
    [sent] = kit.mailer.sent
    assert (sent.to, sent.kind) == ("ana@example.com", "verify_email")
    [message] = kit.outbox()
    assert message.status is OutboxStatus.SENT
    assert message.provider_message_id == "recorded-1"


async def test_a_sent_message_is_not_sent_again(kit: Kit):
    await queue_verification_email(kit)
    await kit.dispatch_outbox()()

    report = await kit.dispatch_outbox()()

    assert report == DispatchReport()
    assert len(kit.mailer.sent) == 1


async def test_while_the_mailer_is_down_messages_are_retried_with_backoff(kit: Kit):
    await queue_verification_email(kit)
    kit.mailer.down = True

    first = await kit.dispatch_outbox(max_attempts=5)()
    not_due_yet = await kit.dispatch_outbox(max_attempts=5)()
    kit.clock.advance(timedelta(seconds=2))
    second = await kit.dispatch_outbox(max_attempts=5)()

    assert (first, not_due_yet, second) == (
        DispatchReport(failed=1),
        DispatchReport(),
        DispatchReport(failed=1),
    )
    [message] = kit.outbox()
    assert message.attempts == 2
    assert message.next_attempt_at == kit.clock.now() + timedelta(seconds=4)
    assert message.last_error is not None and "down" in message.last_error


async def test_a_message_is_delivered_once_the_mailer_is_back(kit: Kit):
    await queue_verification_email(kit)
    kit.mailer.down = True
    await kit.dispatch_outbox(max_attempts=5)()
    kit.mailer.down = False
    kit.clock.advance(timedelta(seconds=2))

    report = await kit.dispatch_outbox(max_attempts=5)()

    assert report == DispatchReport(sent=1)
    assert [m.status for m in kit.outbox()] == [OutboxStatus.SENT]
    assert len(kit.mailer.sent) == 1


async def test_a_message_is_dead_after_max_attempts_and_logged_without_its_body(kit: Kit, caplog):
    await queue_verification_email(kit)
    token = kit.token_in_last_email("verify_email")
    kit.mailer.down = True
    reports = []

    with caplog.at_level(logging.WARNING, logger="application.messaging.dispatch_outbox"):
        for _ in range(3):
            reports.append(await kit.dispatch_outbox(max_attempts=3)())
            kit.clock.advance(timedelta(hours=1))

    assert reports[-1] == DispatchReport(dead=1)
    [message] = kit.outbox()
    assert message.status is OutboxStatus.DEAD
    assert str(message.id) in caplog.text and "verify_email" in caplog.text
    assert token not in caplog.text
    # Dead messages are left alone, even once the mailer is back.
    kit.mailer.down = False
    assert await kit.dispatch_outbox(max_attempts=3)() == DispatchReport()


async def test_one_failing_message_does_not_stop_the_others(kit: Kit):
    await queue_verification_email(kit, "ana@example.com")
    await queue_verification_email(kit, "bob@example.com")
    real_send = kit.mailer.send

    async def refuse_ana(message):
        if message.to == "ana@example.com":
            raise RuntimeError("mailbox full")
        return await real_send(message)

    kit.mailer.send = refuse_ana

    report = await kit.dispatch_outbox()()

    assert report == DispatchReport(sent=1, failed=1)
    assert [m.to for m in kit.mailer.sent] == ["bob@example.com"]


async def test_a_pass_handles_at_most_one_batch(kit: Kit):
    for i in range(3):
        await queue_verification_email(kit, f"user{i}@example.com")
        kit.clock.advance(timedelta(seconds=1))

    first = await kit.dispatch_outbox(batch_size=2)()
    second = await kit.dispatch_outbox(batch_size=2)()

    assert (first.sent, second.sent) == (2, 1)
    # Oldest first, so no message starves behind newer ones.
    assert [m.to for m in kit.mailer.sent] == [f"user{i}@example.com" for i in range(3)]


class _MailerAssertingNoTransaction:
    """Fails the test if any unit of work (the store lock) is held while it sends."""

    def __init__(self, kit: Kit) -> None:
        self._kit = kit
        self.sent: list[str] = []

    async def send(self, message):
        assert not self._kit.store.lock.locked(), "a transaction is open during a send"
        self.sent.append(message.to)
        return f"checked-{len(self.sent)}"

    async def check(self):
        return None


async def test_no_transaction_is_open_while_the_mailer_sends(kit: Kit):
    for i in range(3):
        await queue_verification_email(kit, f"user{i}@example.com")
    mailer = _MailerAssertingNoTransaction(kit)

    report = await kit.dispatch_outbox(mailer=mailer)()

    assert report == DispatchReport(sent=3)
    assert len(mailer.sent) == 3
    assert [m.status for m in kit.outbox()] == [OutboxStatus.SENT] * 3


async def test_a_batch_left_by_a_dead_dispatcher_is_sent_once_its_lease_expires(kit: Kit):
    for i in range(2):
        await queue_verification_email(kit, f"user{i}@example.com")

    class DiesMidBatch:
        async def send(self, message):
            raise SystemExit  # stands for kill -9: nothing after this runs

        async def check(self):
            return None

    lease = timedelta(seconds=30)
    with contextlib.suppress(SystemExit):
        await kit.dispatch_outbox(mailer=DiesMidBatch(), lease=lease)()
    still_leased = await kit.dispatch_outbox(lease=lease)()
    kit.clock.advance(lease)
    after_expiry = await kit.dispatch_outbox(lease=lease)()

    assert still_leased == DispatchReport()
    assert after_expiry == DispatchReport(sent=2)
    assert sorted(m.to for m in kit.mailer.sent) == ["user0@example.com", "user1@example.com"]


async def test_no_send_starts_once_half_the_lease_is_gone(kit: Kit):
    for i in range(3):
        await queue_verification_email(kit, f"user{i}@example.com")
        kit.clock.advance(timedelta(seconds=1))  # a definite oldest-first order
    lease = timedelta(seconds=60)
    real_send = kit.mailer.send

    async def slow_send(message):
        kit.clock.advance(timedelta(seconds=20))
        return await real_send(message)

    kit.mailer.send = slow_send

    report = await kit.dispatch_outbox(lease=lease)()

    # 0 s and 20 s are in the first half; at 40 s the last message is handed back unsent.
    assert report == DispatchReport(sent=2, released=1)
    assert [m.status for m in kit.outbox()] == [
        OutboxStatus.SENT,
        OutboxStatus.SENT,
        OutboxStatus.PENDING,
    ]
    assert kit.outbox()[2].attempts == 0
    assert (await kit.dispatch_outbox(lease=lease)()).sent == 1


async def test_an_open_mail_breaker_leaves_the_messages_due_and_unattempted(kit: Kit):
    for i in range(2):
        await queue_verification_email(kit, f"user{i}@example.com")

    class OpenBreaker:
        async def send(self, message):
            raise ServiceUnavailable("Mail is unavailable", retry_after_seconds=30)

        async def check(self):
            return None

    report = await kit.dispatch_outbox(mailer=OpenBreaker())()

    assert report == DispatchReport(released=2)
    assert [(m.status, m.attempts) for m in kit.outbox()] == [(OutboxStatus.PENDING, 0)] * 2
    assert (await kit.dispatch_outbox()()).sent == 2


async def test_asked_to_stop_mid_batch_it_records_the_message_in_flight_and_hands_back_the_rest(
    kit: Kit,
):
    for i in range(5):
        await queue_verification_email(kit, f"user{i}@example.com")
        kit.clock.advance(timedelta(seconds=1))  # a definite oldest-first order
    stopping = False
    real_send = kit.mailer.send

    async def send_then_stop_on_the_second(message):
        nonlocal stopping
        if message.to == "user1@example.com":
            stopping = True  # SIGTERM lands while message 2 of 5 is being sent
        return await real_send(message)

    kit.mailer.send = send_then_stop_on_the_second
    lease = timedelta(minutes=10)

    report = await kit.dispatch_outbox(lease=lease)(stop_requested=lambda: stopping)

    assert report == DispatchReport(sent=2, released=3)
    assert [(m.status, m.attempts, m.provider_message_id) for m in kit.outbox()] == [
        (OutboxStatus.SENT, 1, "recorded-1"),
        (OutboxStatus.SENT, 1, "recorded-2"),
        *[(OutboxStatus.PENDING, 0, None)] * 3,
    ]
    # Due again at once, with the clock unmoved: their leases were freed, not left to expire.
    kit.mailer.send = real_send
    assert await kit.dispatch_outbox(lease=lease)() == DispatchReport(sent=3)
    assert sorted(m.to for m in kit.mailer.sent) == [f"user{i}@example.com" for i in range(5)]


async def test_asked_to_stop_before_the_first_send_it_sends_nothing_and_hands_all_back(kit: Kit):
    for i in range(2):
        await queue_verification_email(kit, f"user{i}@example.com")

    report = await kit.dispatch_outbox()(stop_requested=lambda: True)

    assert report == DispatchReport(released=2)
    assert kit.mailer.sent == []
    assert (await kit.dispatch_outbox()()).sent == 2
