"""Logging in under the rate limit, rotating refresh tokens with reuse detection, logging out."""

import asyncio
from datetime import timedelta

import pytest
from use_case_kit import Kit

from application.accounts.commands import LogInCommand, LogOutCommand, RefreshSessionCommand
from domain.accounts import LOGIN_FAILURE_WINDOW, LOGIN_MAX_FAILURES, login_throttle_key
from domain.errors import (
    AccountDeactivated,
    EmailNotVerified,
    InvalidCredentials,
    InvalidRefreshToken,
    RateLimited,
)

IP = "203.0.113.7"


def login(kit: Kit, password: str | None = None, email: str = "ana@example.com") -> LogInCommand:
    return LogInCommand(email, password or kit.password, client_ip=IP)


# --- log in ------------------------------------------------------------------------------------


async def test_logging_in_returns_a_token_pair_for_a_new_login(kit: Kit):
    user = await kit.add_user()

    session = await kit.log_in()(login(kit, email=" ANA@example.com"))

    assert session.user.id == user.id
    assert session.token_type == "Bearer"
    assert session.expires_in == kit.access_tokens.ttl_seconds
    claims = kit.access_tokens.decode(session.access_token, kit.clock.now())
    [stored] = kit.store.refresh_tokens.values()
    assert claims.session_id == stored.family_id
    # Only the hash is stored, never the token itself.
    assert stored.token_hash == kit.secrets.hash(session.refresh_token)
    assert stored.expires_at == kit.clock.now() + kit.refresh_ttl


async def test_each_login_starts_its_own_family(kit: Kit):
    await kit.add_user()

    await kit.log_in()(login(kit))
    await kit.log_in()(login(kit))

    assert len({t.family_id for t in kit.store.refresh_tokens.values()}) == 2


async def test_a_wrong_password_and_an_unknown_email_get_the_same_error(kit: Kit):
    await kit.add_user()

    with pytest.raises(InvalidCredentials) as wrong:
        await kit.log_in()(login(kit, password="Wr0ngPassword"))
    with pytest.raises(InvalidCredentials) as unknown:
        await kit.log_in()(login(kit, email="nobody@example.com"))

    assert wrong.value.message == unknown.value.message
    assert kit.store.refresh_tokens == {}


async def test_failed_logins_are_recorded_even_though_the_call_fails(kit: Kit):
    await kit.add_user()

    with pytest.raises(InvalidCredentials):
        await kit.log_in()(login(kit, password="Wr0ngPassword"))
    with pytest.raises(InvalidCredentials):
        await kit.log_in()(login(kit, email="nobody@example.com"))

    # One under each email and client, two under the client address across emails.
    counts = {key: len(v) for key, v in kit.store.login_failures.items()}
    assert sorted(counts.values()) == [1, 1, 2]


async def test_an_unverified_account_is_refused_only_with_the_right_password(kit: Kit):
    await kit.add_user(verified=False)

    with pytest.raises(InvalidCredentials):
        await kit.log_in()(login(kit, password="Wr0ngPassword"))
    with pytest.raises(EmailNotVerified):
        await kit.log_in()(login(kit))


async def test_a_deactivated_account_cannot_log_in(kit: Kit):
    await kit.add_user(active=False)

    with pytest.raises(AccountDeactivated):
        await kit.log_in()(login(kit))


async def test_after_five_failures_even_the_right_password_is_rate_limited(kit: Kit):
    await kit.add_user()
    for _ in range(LOGIN_MAX_FAILURES):
        with pytest.raises(InvalidCredentials):
            await kit.log_in()(login(kit, password="Wr0ngPassword"))

    with pytest.raises(RateLimited) as err:
        await kit.log_in()(login(kit))

    assert 0 < err.value.retry_after_seconds <= LOGIN_FAILURE_WINDOW.total_seconds() + 1


async def test_the_rate_limit_lifts_when_the_window_passes(kit: Kit):
    await kit.add_user()
    for _ in range(LOGIN_MAX_FAILURES):
        with pytest.raises(InvalidCredentials):
            await kit.log_in()(login(kit, password="Wr0ngPassword"))
    with pytest.raises(RateLimited) as err:
        await kit.log_in()(login(kit))

    kit.clock.advance(timedelta(seconds=err.value.retry_after_seconds))
    session = await kit.log_in()(login(kit))

    assert session.user.email == "ana@example.com"


async def test_the_rate_limit_is_per_email_and_client(kit: Kit):
    await kit.add_user()
    for _ in range(LOGIN_MAX_FAILURES):
        with pytest.raises(InvalidCredentials):
            await kit.log_in()(login(kit, password="Wr0ngPassword"))

    session = await kit.log_in()(LogInCommand("ana@example.com", kit.password, "198.51.100.1"))

    assert session.user.email == "ana@example.com"


async def test_a_successful_login_forgets_earlier_failures(kit: Kit):
    await kit.add_user()
    for _ in range(LOGIN_MAX_FAILURES - 1):
        with pytest.raises(InvalidCredentials):
            await kit.log_in()(login(kit, password="Wr0ngPassword"))

    await kit.log_in()(login(kit))
    with pytest.raises(InvalidCredentials):
        await kit.log_in()(login(kit, password="Wr0ngPassword"))

    await kit.log_in()(login(kit))


async def test_failures_made_while_a_login_is_verified_still_count(kit: Kit):
    await kit.add_user()
    key = login_throttle_key("ana@example.com", IP)
    verify = kit.hasher.verify

    async def verify_while_someone_guesses(password_hash: str | None, password: str) -> bool:
        async with kit.uow() as uow:  # a wrong password for the same account, meanwhile
            await uow.login_attempts.record_failure(key, kit.clock.now())
            await uow.commit()
        return await verify(password_hash, password)

    kit.hasher.verify = verify_while_someone_guesses  # type: ignore[method-assign]
    await kit.log_in()(login(kit))

    async with kit.uow() as uow:
        kept = await uow.login_attempts.failures_since(key, kit.clock.now() - LOGIN_FAILURE_WINDOW)
    assert len(kept) == 1


async def test_unknown_emails_are_rate_limited_too(kit: Kit):
    for _ in range(LOGIN_MAX_FAILURES):
        with pytest.raises(InvalidCredentials):
            await kit.log_in()(login(kit, email="nobody@example.com"))

    with pytest.raises(RateLimited):
        await kit.log_in()(login(kit, email="nobody@example.com"))


# --- refresh -----------------------------------------------------------------------------------


async def test_refreshing_rotates_the_token_within_the_same_login(kit: Kit):
    user = await kit.add_user()
    first = await kit.log_in()(login(kit))

    second = await kit.refresh_session()(RefreshSessionCommand(first.refresh_token))

    assert second.refresh_token != first.refresh_token
    assert second.user.id == user.id
    old = kit.access_tokens.decode(first.access_token, kit.clock.now())
    new = kit.access_tokens.decode(second.access_token, kit.clock.now())
    assert new.session_id == old.session_id
    assert {t.family_id for t in kit.store.refresh_tokens.values()} == {old.session_id}


async def test_the_new_refresh_token_can_be_refreshed_again(kit: Kit):
    await kit.add_user()
    session = await kit.log_in()(login(kit))

    for _ in range(3):
        session = await kit.refresh_session()(RefreshSessionCommand(session.refresh_token))

    assert len(kit.store.refresh_tokens) == 4


async def test_reusing_a_rotated_token_is_refused_and_revokes_the_whole_login(kit: Kit):
    await kit.add_user()
    first = await kit.log_in()(login(kit))
    second = await kit.refresh_session()(RefreshSessionCommand(first.refresh_token))

    with pytest.raises(InvalidRefreshToken):
        await kit.refresh_session()(RefreshSessionCommand(first.refresh_token))

    assert all(t.revoked_at is not None for t in kit.store.refresh_tokens.values())
    with pytest.raises(InvalidRefreshToken):
        await kit.refresh_session()(RefreshSessionCommand(second.refresh_token))


async def test_reuse_revokes_only_that_login(kit: Kit):
    await kit.add_user()
    phone = await kit.log_in()(login(kit))
    laptop = await kit.log_in()(login(kit))
    await kit.refresh_session()(RefreshSessionCommand(phone.refresh_token))

    with pytest.raises(InvalidRefreshToken):
        await kit.refresh_session()(RefreshSessionCommand(phone.refresh_token))

    await kit.refresh_session()(RefreshSessionCommand(laptop.refresh_token))


async def test_of_twenty_concurrent_refreshes_with_one_token_exactly_one_succeeds(kit: Kit):
    await kit.add_user()
    session = await kit.log_in()(login(kit))
    command = RefreshSessionCommand(session.refresh_token)

    results = await asyncio.gather(
        *(kit.refresh_session()(command) for _ in range(20)), return_exceptions=True
    )

    successes = [r for r in results if not isinstance(r, BaseException)]
    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(successes) == 1
    assert all(isinstance(f, InvalidRefreshToken) for f in failures)


async def test_an_unknown_refresh_token_is_refused(kit: Kit):
    with pytest.raises(InvalidRefreshToken):
        await kit.refresh_session()(RefreshSessionCommand("nope"))


async def test_an_expired_refresh_token_is_refused(kit: Kit):
    await kit.add_user()
    session = await kit.log_in()(login(kit))
    kit.clock.advance(kit.refresh_ttl)

    with pytest.raises(InvalidRefreshToken):
        await kit.refresh_session()(RefreshSessionCommand(session.refresh_token))


async def test_a_deactivated_user_cannot_refresh(kit: Kit):
    user = await kit.add_user()
    session = await kit.log_in()(login(kit))
    kit.user(user.id).active = False

    with pytest.raises(InvalidRefreshToken):
        await kit.refresh_session()(RefreshSessionCommand(session.refresh_token))


async def test_a_deleted_user_cannot_refresh(kit: Kit):
    user = await kit.add_user()
    session = await kit.log_in()(login(kit))
    # The refresh token outlives the user only if a repository forgot to cascade.
    del kit.store.users[user.id]

    with pytest.raises(InvalidRefreshToken):
        await kit.refresh_session()(RefreshSessionCommand(session.refresh_token))


# --- log out -----------------------------------------------------------------------------------


async def test_logging_out_stops_that_logins_refresh_tokens(kit: Kit):
    await kit.add_user()
    session = await kit.log_in()(login(kit))
    other = await kit.log_in()(login(kit))

    await kit.log_out()(LogOutCommand(session.refresh_token))

    with pytest.raises(InvalidRefreshToken):
        await kit.refresh_session()(RefreshSessionCommand(session.refresh_token))
    await kit.refresh_session()(RefreshSessionCommand(other.refresh_token))


async def test_logging_out_twice_or_with_an_unknown_token_is_harmless(kit: Kit):
    await kit.add_user()
    session = await kit.log_in()(login(kit))

    await kit.log_out()(LogOutCommand(session.refresh_token))
    await kit.log_out()(LogOutCommand(session.refresh_token))
    await kit.log_out()(LogOutCommand("nope"))

    assert all(t.revoked_at is not None for t in kit.store.refresh_tokens.values())


async def test_the_password_is_checked_outside_any_transaction(kit: Kit):
    await kit.add_user()
    real_verify = kit.hasher.verify
    locked_during_verify: list[bool] = []

    async def observing_verify(password_hash, password):
        # The memory unit of work holds the store lock for the length of a transaction.
        locked_during_verify.append(kit.store.lock.locked())
        return await real_verify(password_hash, password)

    kit.hasher.verify = observing_verify

    await kit.log_in()(login(kit))
    with pytest.raises(InvalidCredentials):
        await kit.log_in()(login(kit, email="nobody@example.com"))

    assert locked_during_verify == [False, False]
