"""Forgetting, resetting and changing a password."""

from datetime import timedelta

import pytest
from use_case_kit import Kit

from application.accounts.commands import (
    ChangePasswordCommand,
    ForgotPasswordCommand,
    LogInCommand,
    RefreshSessionCommand,
    RegisterUserCommand,
    ResetPasswordCommand,
)
from application.accounts.views import AuthSession
from domain.errors import (
    InvalidAccessToken,
    InvalidCredentials,
    InvalidOneTimeToken,
    InvalidRefreshToken,
    ValidationFailed,
    WrongPassword,
)

NEW_PASSWORD = "N3wPassword"


async def log_in(kit: Kit, password: str | None = None) -> AuthSession:
    return await kit.log_in()(LogInCommand("ana@example.com", password or kit.password))


# --- forgot and reset --------------------------------------------------------------------------


async def test_forgetting_the_password_queues_a_reset_email(kit: Kit):
    await kit.add_user()

    await kit.forgot_password()(ForgotPasswordCommand("Ana@Example.com"))

    [message] = kit.outbox()
    assert message.message.kind == "reset_password"
    assert message.message.to == "ana@example.com"


async def test_forgetting_the_password_of_an_unknown_or_deactivated_account_is_quiet(kit: Kit):
    await kit.add_user("bob@example.com", active=False)

    await kit.forgot_password()(ForgotPasswordCommand("nobody@example.com"))
    await kit.forgot_password()(ForgotPasswordCommand("bob@example.com"))

    assert kit.outbox() == []


async def test_the_reset_token_sets_a_new_password(kit: Kit):
    await kit.add_user()
    await kit.forgot_password()(ForgotPasswordCommand("ana@example.com"))

    await kit.reset_password()(
        ResetPasswordCommand(kit.token_in_last_email("reset_password"), NEW_PASSWORD)
    )

    await log_in(kit, NEW_PASSWORD)
    with pytest.raises(InvalidCredentials):
        await log_in(kit)


async def test_resetting_ends_every_login_of_the_user(kit: Kit):
    await kit.add_user()
    session = await log_in(kit)
    await kit.forgot_password()(ForgotPasswordCommand("ana@example.com"))
    kit.clock.advance(timedelta(seconds=1))

    await kit.reset_password()(
        ResetPasswordCommand(kit.token_in_last_email("reset_password"), NEW_PASSWORD)
    )

    with pytest.raises(InvalidRefreshToken):
        await kit.refresh_session()(RefreshSessionCommand(session.refresh_token))
    with pytest.raises(InvalidAccessToken):
        await kit.authenticate()(session.access_token)


async def test_a_reset_token_works_once(kit: Kit):
    await kit.add_user()
    await kit.forgot_password()(ForgotPasswordCommand("ana@example.com"))
    token = kit.token_in_last_email("reset_password")
    await kit.reset_password()(ResetPasswordCommand(token, NEW_PASSWORD))

    with pytest.raises(InvalidOneTimeToken):
        await kit.reset_password()(ResetPasswordCommand(token, "An0therPassword"))


async def test_a_reset_token_expires_after_30_minutes(kit: Kit):
    await kit.add_user()
    await kit.forgot_password()(ForgotPasswordCommand("ana@example.com"))
    kit.clock.advance(timedelta(minutes=30))

    with pytest.raises(InvalidOneTimeToken):
        await kit.reset_password()(
            ResetPasswordCommand(kit.token_in_last_email("reset_password"), NEW_PASSWORD)
        )


async def test_a_verification_token_cannot_reset_a_password(kit: Kit):
    await kit.register_user()(RegisterUserCommand("ana@example.com", kit.password))

    with pytest.raises(InvalidOneTimeToken):
        await kit.reset_password()(
            ResetPasswordCommand(kit.token_in_last_email("verify_email"), NEW_PASSWORD)
        )


async def test_a_weak_new_password_is_refused_and_the_token_stays_usable(kit: Kit):
    await kit.add_user()
    await kit.forgot_password()(ForgotPasswordCommand("ana@example.com"))
    token = kit.token_in_last_email("reset_password")

    with pytest.raises(ValidationFailed) as err:
        await kit.reset_password()(ResetPasswordCommand(token, "weak"))

    assert err.value.errors[0].field == "password"
    await kit.reset_password()(ResetPasswordCommand(token, NEW_PASSWORD))


# --- change ------------------------------------------------------------------------------------


async def test_changing_the_password_keeps_this_login_and_ends_the_others(kit: Kit):
    user = await kit.add_user()
    mine = await log_in(kit)
    other = await log_in(kit)
    me = await kit.authenticate()(mine.access_token)

    await kit.change_password()(me, ChangePasswordCommand(kit.password, NEW_PASSWORD))

    assert (await kit.authenticate()(mine.access_token)).user_id == user.id
    await kit.refresh_session()(RefreshSessionCommand(mine.refresh_token))
    with pytest.raises(InvalidRefreshToken):
        await kit.refresh_session()(RefreshSessionCommand(other.refresh_token))
    await log_in(kit, NEW_PASSWORD)


async def test_changing_the_password_needs_the_current_one(kit: Kit):
    user = await kit.add_user()

    with pytest.raises(WrongPassword):
        await kit.change_password()(
            kit.actor(user), ChangePasswordCommand("Wr0ngPassword", NEW_PASSWORD)
        )

    await log_in(kit)


async def test_a_weak_new_password_is_reported_on_the_new_password_field(kit: Kit):
    user = await kit.add_user()

    with pytest.raises(ValidationFailed) as err:
        await kit.change_password()(kit.actor(user), ChangePasswordCommand(kit.password, "weak"))

    assert err.value.errors[0].field == "newPassword"
