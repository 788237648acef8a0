"""Authenticating a request and reading or editing one's own profile."""

from datetime import timedelta

import pytest
from use_case_kit import Kit

from adapters.jwt_tokens import JwtAccessTokens
from application.accounts.commands import LogInCommand, UpdateProfileCommand
from application.shared.actor import Actor
from domain.accounts import Role
from domain.errors import InvalidAccessToken, UserNotFound, ValidationFailed


async def access_token_for(kit: Kit) -> str:
    session = await kit.log_in()(LogInCommand("ana@example.com", kit.password))
    return session.access_token


# --- authenticate ------------------------------------------------------------------------------


async def test_a_valid_access_token_gives_the_user_and_its_login(kit: Kit):
    user = await kit.add_user()
    token = await access_token_for(kit)

    actor = await kit.authenticate()(token)

    assert actor.user_id == user.id
    assert actor.role is Role.CUSTOMER
    [refresh] = kit.store.refresh_tokens.values()
    assert actor.session_id == refresh.family_id


async def test_the_role_comes_from_the_current_user_not_the_token(kit: Kit):
    user = await kit.add_user()
    token = await access_token_for(kit)
    kit.user(user.id).role = Role.EDITOR

    actor = await kit.authenticate()(token)

    assert actor.role is Role.EDITOR


async def test_an_expired_or_unknown_access_token_is_refused(kit: Kit):
    await kit.add_user()
    token = await access_token_for(kit)

    with pytest.raises(InvalidAccessToken):
        await kit.authenticate()("nope")
    kit.clock.advance(timedelta(seconds=kit.access_tokens.ttl_seconds))
    with pytest.raises(InvalidAccessToken):
        await kit.authenticate()(token)


async def test_tokens_of_deleted_or_deactivated_users_are_refused(kit: Kit):
    ana = await kit.add_user("ana@example.com")
    token = await access_token_for(kit)
    kit.user(ana.id).active = False

    with pytest.raises(InvalidAccessToken):
        await kit.authenticate()(token)
    del kit.store.users[ana.id]
    with pytest.raises(InvalidAccessToken):
        await kit.authenticate()(token)


async def test_tokens_issued_before_the_revocation_second_are_refused(kit: Kit):
    user = await kit.add_user()
    token = await access_token_for(kit)
    kit.clock.advance(timedelta(seconds=1, microseconds=500_000))
    kit.user(user.id).tokens_valid_after = kit.clock.now()

    with pytest.raises(InvalidAccessToken):
        await kit.authenticate()(token)


async def test_a_token_issued_a_moment_before_a_revocation_is_refused(kit: Kit):
    user = await kit.add_user()
    token = await access_token_for(kit)
    kit.user(user.id).tokens_valid_after = kit.clock.now() + timedelta(microseconds=1)

    with pytest.raises(InvalidAccessToken):
        await kit.authenticate()(token)


async def test_a_token_issued_at_the_revocation_instant_is_accepted(kit: Kit):
    user = await kit.add_user()
    token = await access_token_for(kit)
    kit.user(user.id).tokens_valid_after = kit.clock.now()

    actor = await kit.authenticate()(token)

    assert actor.user_id == user.id


async def test_authenticating_reads_the_user_once_and_writes_nothing(kit: Kit):
    await kit.add_user()
    token = await access_token_for(kit)
    use_case = kit.authenticate()
    uow = use_case._uow
    reads: list[object] = []
    real_get = uow.users.get

    async def counting_get(user_id):
        reads.append(user_id)
        return await real_get(user_id)

    uow.users.get = counting_get

    await use_case(token)

    assert len(reads) == 1


async def test_real_jwt_access_tokens_authenticate_until_a_password_reset():
    # The same flow on the production token adapter, to keep the fake honest.
    kit = Kit(access_tokens=JwtAccessTokens("s" * 40, ttl_seconds=900))
    user = await kit.add_user()
    token = await access_token_for(kit)

    assert (await kit.authenticate()(token)).user_id == user.id
    kit.clock.advance(timedelta(seconds=1))
    kit.user(user.id).change_password_hash("new", kit.clock.now())
    with pytest.raises(InvalidAccessToken):
        await kit.authenticate()(token)


# --- profile -----------------------------------------------------------------------------------


async def test_a_user_reads_their_own_profile(kit: Kit):
    user = await kit.add_user(name="Ana")

    view = await kit.get_profile()(kit.actor(user))

    assert (view.id, view.name, view.email) == (user.id, "Ana", "ana@example.com")


async def test_the_cli_operator_has_no_profile(kit: Kit):
    with pytest.raises(UserNotFound):
        await kit.get_profile()(Actor.system())


async def test_updating_the_profile_trims_the_name_and_records_the_change(kit: Kit):
    user = await kit.add_user(name="Ana")

    view = await kit.update_profile()(kit.actor(user), UpdateProfileCommand("  Ana Maria "))

    assert view.name == "Ana Maria"
    assert kit.user(user.id).name == "Ana Maria"
    assert view.updated_at == kit.clock.now() > view.created_at


async def test_an_update_without_fields_changes_nothing(kit: Kit):
    user = await kit.add_user(name="Ana")

    view = await kit.update_profile()(kit.actor(user), UpdateProfileCommand())

    assert view.name == "Ana"
    assert view.updated_at == user.updated_at


async def test_a_too_long_name_is_refused(kit: Kit):
    user = await kit.add_user()

    with pytest.raises(ValidationFailed):
        await kit.update_profile()(kit.actor(user), UpdateProfileCommand("x" * 101))


async def test_profile_of_an_authenticated_caller_is_served_without_a_second_read(kit: Kit):
    user = await kit.add_user()
    actor = await kit.authenticate()(await access_token_for(kit))
    use_case = kit.get_profile()
    reads: list[object] = []

    async def counting_get(user_id):
        reads.append(user_id)

    use_case._uow.users.get = counting_get

    view = await use_case(actor)

    assert view.id == user.id and view.email == user.email
    assert reads == []
