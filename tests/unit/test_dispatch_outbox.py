"""Delivering queued emails: success, retries with backoff during an outage, dead letters."""

import logging
from datetime import timedelta

from use_case_kit import Kit

from application.accounts.commands import RegisterUserCommand
from application.messaging.dispatch_outbox import DispatchReport
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
