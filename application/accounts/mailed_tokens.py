"""The step verification and reset share: store a one-time token and queue the email with it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from application.accounts.ports import AccountsUnitOfWork, SecretTokens
from domain.accounts import OneTimeToken, TokenPurpose, User
from domain.messages import EmailMessage, OutboxMessage


async def mail_one_time_token(
    uow: AccountsUnitOfWork,
    secrets: SecretTokens,
    user: User,
    purpose: TokenPurpose,
    render: Callable[[str, str], EmailMessage],
    now: datetime,
) -> None:
    """Issue a token for `purpose` (only its hash is stored) and queue `render(to, token)` in
    the same transaction, so the email goes out exactly when the token exists."""
    token = secrets.generate()
    await uow.one_time_tokens.add(OneTimeToken.issue(user.id, purpose, secrets.hash(token), now))
    await uow.outbox.add(OutboxMessage.new(render(user.email, token), now))
