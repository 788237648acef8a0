"""Accounts through the production wiring on Postgres and SQLite: refresh races and mail outages."""

from __future__ import annotations

from sqlalchemy import select

from adapters.sqlalchemy.messaging import outbox
from application.accounts.commands import (
    LogInCommand,
    RefreshSessionCommand,
    RegisterUserCommand,
)
from domain.errors import InvalidRefreshToken
from domain.messages import OutboxStatus
from tests.concurrency.shop import PASSWORD, Shop, run_together
from tests.support.fakes import RecordingMailer


async def test_twenty_parallel_refreshes_with_one_token_let_at_most_one_succeed(
    shop: Shop,
) -> None:
    await shop.customer("ana@example.com")
    session = await shop.container.accounts.log_in()(LogInCommand("ana@example.com", PASSWORD))

    results = await run_together(
        [
            shop.container.accounts.refresh_session()(RefreshSessionCommand(session.refresh_token))
            for _ in range(20)
        ]
    )

    successes = [r for r in results if not isinstance(r, BaseException)]
    refusals = [r for r in results if isinstance(r, InvalidRefreshToken)]
    assert len(successes) == 1  # the first claim wins; the rest count as reuse
    assert len(successes) + len(refusals) == 20  # nothing failed in any other way


async def test_registration_succeeds_while_mail_is_down_and_the_email_follows_once_it_is_back(
    shop: Shop,
) -> None:
    mailer: RecordingMailer = shop.container.core.mailer()
    mailer.down = True

    await shop.container.accounts.register_user()(RegisterUserCommand("ana@example.com", PASSWORD))
    failed = await shop.container.messaging.dispatch_outbox()()
    assert failed.failed == 1 and mailer.sent == []

    mailer.down = False
    # The retry is scheduled with backoff; deliver as the worker would once it is due.
    status = await shop.scalar(select(outbox.c.status))
    assert status == OutboxStatus.PENDING
    async with shop.container.core.engine().begin() as conn:
        await conn.execute(outbox.update().values(next_attempt_at=outbox.c.created_at))
    delivered = await shop.container.messaging.dispatch_outbox()()

    assert delivered.sent == 1
    assert [m.to for m in mailer.sent] == ["ana@example.com"]
    assert await shop.scalar(select(outbox.c.status)) == OutboxStatus.SENT
    assert await shop.scalar(select(outbox.c.provider_message_id)) == "recorded-1"
    assert (await shop.container.messaging.dispatch_outbox()()).sent == 0  # never twice
