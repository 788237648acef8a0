"""Registering, verifying the email and asking for a new verification email."""

from datetime import timedelta

import pytest
from use_case_kit import Kit

from application.accounts.commands import (
    ForgotPasswordCommand,
    RegisterUserCommand,
    ResendVerificationCommand,
    VerifyEmailCommand,
)
from domain.errors import EmailAlreadyRegistered, InvalidOneTimeToken, ValidationFailed


async def test_registering_stores_an_unverified_customer_and_queues_a_verification_email(
    kit: Kit,
):
    view = await kit.register_user()(RegisterUserCommand(" Ana@Example.com ", kit.password, "Ana"))

    assert view.email == "ana@example.com"
    assert not view.email_verified
    assert [m.message.kind for m in kit.outbox()] == ["verify_email"]
    assert kit.outbox()[0].message.to == "ana@example.com"


async def test_registering_an_email_twice_in_any_case_is_a_conflict(kit: Kit):
    await kit.add_user("ana@example.com")

    with pytest.raises(EmailAlreadyRegistered):
        await kit.register_user()(RegisterUserCommand("ANA@example.com", kit.password))


async def test_the_mailed_token_verifies_the_email(kit: Kit):
    view = await kit.register_user()(RegisterUserCommand("ana@example.com", kit.password))
    token = kit.token_in_last_email("verify_email")

    verified = await kit.verify_email()(VerifyEmailCommand(token))

    assert verified.email_verified
    assert kit.user(view.id).email_verified


async def test_a_verification_token_works_only_once(kit: Kit):
    await kit.register_user()(RegisterUserCommand("ana@example.com", kit.password))
    token = kit.token_in_last_email("verify_email")
    await kit.verify_email()(VerifyEmailCommand(token))

    with pytest.raises(InvalidOneTimeToken) as err:
        await kit.verify_email()(VerifyEmailCommand(token))

    assert err.value.errors[0].field == "token"


async def test_an_expired_verification_token_is_refused(kit: Kit):
    view = await kit.register_user()(RegisterUserCommand("ana@example.com", kit.password))
    token = kit.token_in_last_email("verify_email")
    kit.clock.advance(timedelta(hours=24))

    with pytest.raises(InvalidOneTimeToken):
        await kit.verify_email()(VerifyEmailCommand(token))

    assert not kit.user(view.id).email_verified


async def test_an_unknown_verification_token_is_refused(kit: Kit):
    with pytest.raises(InvalidOneTimeToken):
        await kit.verify_email()(VerifyEmailCommand("nope"))


async def test_a_reset_token_does_not_verify_an_email(kit: Kit):
    user = await kit.add_user(verified=False)
    await kit.forgot_password()(ForgotPasswordCommand(user.email))

    with pytest.raises(InvalidOneTimeToken):
        await kit.verify_email()(VerifyEmailCommand(kit.token_in_last_email("reset_password")))


async def test_resending_queues_a_new_working_token_for_an_unverified_account(kit: Kit):
    user = await kit.add_user(verified=False)

    await kit.resend_verification()(ResendVerificationCommand("ANA@example.com"))
    await kit.verify_email()(VerifyEmailCommand(kit.token_in_last_email("verify_email")))

    assert kit.user(user.id).email_verified


@pytest.mark.parametrize("verified", [True, False])
async def test_resending_for_unknown_verified_or_deactivated_accounts_quietly_does_nothing(
    kit: Kit, verified: bool
):
    await kit.add_user("ana@example.com", verified=verified, active=verified)

    await kit.resend_verification()(ResendVerificationCommand("ana@example.com"))
    await kit.resend_verification()(ResendVerificationCommand("nobody@example.com"))

    assert kit.outbox() == []


async def test_resending_to_a_malformed_email_is_a_field_error(kit: Kit):
    with pytest.raises(ValidationFailed):
        await kit.resend_verification()(ResendVerificationCommand("not-an-email"))
