"""Admins list, create, read, update and delete users; the last active admin is protected."""

from uuid import uuid4

import pytest
from use_case_kit import Kit

from application.accounts.commands import (
    CreateUserCommand,
    ListUsersQuery,
    LogInCommand,
    RefreshSessionCommand,
    UpdateUserCommand,
)
from application.shared.actor import Actor
from application.shared.paging import Cursor, PageRequest
from domain.accounts import Role, Tier, User
from domain.errors import (
    EmailAlreadyRegistered,
    InvalidAccessToken,
    InvalidRefreshToken,
    LastAdminProtected,
    OwnAccountProtected,
    PermissionDenied,
    UserNotFound,
    ValidationFailed,
)

ADMIN = Actor.system()


async def some_users(kit: Kit) -> list[User]:
    return [
        await kit.add_user("carla@example.com", name="Carla"),
        await kit.add_user("ana@example.com", name="Ana", role=Role.EDITOR),
        await kit.add_user("bob@shop.test", name="Bob", active=False),
    ]


# --- list --------------------------------------------------------------------------------------


async def test_users_are_listed_oldest_first_by_default(kit: Kit):
    await some_users(kit)

    page = await kit.list_users()(ADMIN, ListUsersQuery())

    emails = [u.email for u in page.items]
    assert emails == ["carla@example.com", "ana@example.com", "bob@shop.test"]
    assert (page.total, page.total_pages) == (3, 1)


async def test_users_are_sorted_filtered_searched_and_paged(kit: Kit):
    await some_users(kit)

    by_name = await kit.list_users()(ADMIN, ListUsersQuery(sort="-name"))
    active = await kit.list_users()(ADMIN, ListUsersQuery(active=True, sort="email"))
    editors = await kit.list_users()(ADMIN, ListUsersQuery(role=Role.EDITOR))
    search = await kit.list_users()(ADMIN, ListUsersQuery(search="  EXAMPLE "))
    second = await kit.list_users()(ADMIN, ListUsersQuery(page=PageRequest(2, 2)))

    assert [u.name for u in by_name.items] == ["Carla", "Bob", "Ana"]
    assert [u.email for u in active.items] == ["ana@example.com", "carla@example.com"]
    assert [u.email for u in editors.items] == ["ana@example.com"]
    assert search.total == 2
    assert [u.email for u in second.items] == ["bob@shop.test"]
    assert (second.total, second.total_pages) == (3, 2)


async def test_the_next_cursor_continues_where_the_page_ended(kit: Kit):
    await some_users(kit)
    first = await kit.list_users()(ADMIN, ListUsersQuery(sort="name", page=PageRequest(limit=2)))
    assert first.next_cursor is not None
    cursor = Cursor.decode(first.next_cursor)

    rest = await kit.list_users()(
        ADMIN, ListUsersQuery(sort="name", page=PageRequest(limit=2, cursor=cursor))
    )

    assert [u.name for u in first.items] == ["Ana", "Bob"]
    assert [u.name for u in rest.items] == ["Carla"]
    assert (rest.page, rest.total, rest.next_cursor) == (None, 3, None)


async def test_a_user_cursor_made_for_another_sort_is_a_cursor_error(kit: Kit):
    await some_users(kit)
    first = await kit.list_users()(ADMIN, ListUsersQuery(sort="name", page=PageRequest(limit=1)))
    assert first.next_cursor is not None
    cursor = Cursor.decode(first.next_cursor)

    with pytest.raises(ValidationFailed) as err:
        await kit.list_users()(
            ADMIN, ListUsersQuery(sort="-name", page=PageRequest(limit=1, cursor=cursor))
        )

    assert err.value.errors[0].field == "cursor"


async def test_an_unknown_sort_field_is_a_field_error(kit: Kit):
    with pytest.raises(ValidationFailed) as err:
        await kit.list_users()(ADMIN, ListUsersQuery(sort="password"))

    assert err.value.errors[0].field == "sort"


@pytest.mark.parametrize("role", [Role.EDITOR, Role.CUSTOMER])
async def test_only_admins_manage_users(kit: Kit, role: Role):
    user = await kit.add_user(role=role)
    actor = kit.actor(user)

    with pytest.raises(PermissionDenied):
        await kit.list_users()(actor, ListUsersQuery())
    with pytest.raises(PermissionDenied):
        await kit.get_user()(actor, user.id)
    with pytest.raises(PermissionDenied):
        await kit.create_user()(actor, CreateUserCommand("x@example.com", kit.password))
    with pytest.raises(PermissionDenied):
        await kit.update_user()(actor, UpdateUserCommand(user.id, role=Role.ADMIN))
    with pytest.raises(PermissionDenied):
        await kit.delete_user()(actor, user.id)


# --- create and get ----------------------------------------------------------------------------


async def test_an_admin_creates_a_verified_user_with_a_role_and_tier(kit: Kit):
    view = await kit.create_user()(
        ADMIN,
        CreateUserCommand(
            " Eve@Example.com", kit.password, " Eve ", role=Role.EDITOR, tier=Tier.PREMIUM
        ),
    )

    assert (view.email, view.name, view.role, view.tier) == (
        "eve@example.com",
        "Eve",
        Role.EDITOR,
        Tier.PREMIUM,
    )
    assert view.email_verified and view.active
    await kit.log_in()(LogInCommand("eve@example.com", kit.password))
    assert kit.outbox() == []


async def test_creating_a_user_with_a_taken_email_is_a_conflict(kit: Kit):
    await kit.add_user("ana@example.com")

    with pytest.raises(EmailAlreadyRegistered):
        await kit.create_user()(ADMIN, CreateUserCommand("ANA@example.com", kit.password))


async def test_creating_a_user_applies_the_password_policy(kit: Kit):
    with pytest.raises(ValidationFailed) as err:
        await kit.create_user()(ADMIN, CreateUserCommand("eve@example.com", "weak"))

    assert err.value.errors[0].field == "password"


async def test_an_admin_reads_a_user_by_id_or_email(kit: Kit):
    user = await kit.add_user("ana@example.com")

    assert (await kit.get_user()(ADMIN, user.id)).email == "ana@example.com"
    assert (await kit.get_user_by_email()(ADMIN, " ANA@example.com")).id == user.id
    with pytest.raises(UserNotFound):
        await kit.get_user()(ADMIN, uuid4())
    with pytest.raises(UserNotFound):
        await kit.get_user_by_email()(ADMIN, "nobody@example.com")


# --- update ------------------------------------------------------------------------------------


async def test_an_update_changes_only_the_given_fields(kit: Kit):
    user = await kit.add_user("ana@example.com", name="Ana")

    view = await kit.update_user()(
        ADMIN, UpdateUserCommand(user.id, email="ANA2@example.com", tier=Tier.REGULAR)
    )

    assert (view.email, view.name, view.role, view.tier) == (
        "ana2@example.com",
        "Ana",
        Role.CUSTOMER,
        Tier.REGULAR,
    )
    assert kit.user(user.id).email == "ana2@example.com"
    assert view.updated_at == kit.clock.now()


async def test_an_update_to_another_users_email_is_a_conflict(kit: Kit):
    await kit.add_user("ana@example.com")
    bob = await kit.add_user("bob@example.com")

    with pytest.raises(EmailAlreadyRegistered):
        await kit.update_user()(ADMIN, UpdateUserCommand(bob.id, email="Ana@example.com"))


async def test_updating_an_unknown_user_is_not_found(kit: Kit):
    with pytest.raises(UserNotFound):
        await kit.update_user()(ADMIN, UpdateUserCommand(uuid4(), name="X"))


async def test_an_admin_can_mark_an_email_verified(kit: Kit):
    user = await kit.add_user(verified=False)

    view = await kit.update_user()(ADMIN, UpdateUserCommand(user.id, email_verified=True))

    assert view.email_verified
    await kit.log_in()(LogInCommand("ana@example.com", kit.password))


async def test_deactivating_a_user_ends_their_logins_and_access_tokens(kit: Kit):
    user = await kit.add_user()
    session = await kit.log_in()(LogInCommand("ana@example.com", kit.password))

    view = await kit.update_user()(ADMIN, UpdateUserCommand(user.id, active=False))

    assert not view.active
    with pytest.raises(InvalidRefreshToken):
        await kit.refresh_session()(RefreshSessionCommand(session.refresh_token))
    with pytest.raises(InvalidAccessToken):
        await kit.authenticate()(session.access_token)


async def test_a_reactivated_user_can_log_in_again(kit: Kit):
    user = await kit.add_user(active=False)

    await kit.update_user()(ADMIN, UpdateUserCommand(user.id, active=True))

    session = await kit.log_in()(LogInCommand("ana@example.com", kit.password))
    assert (await kit.authenticate()(session.access_token)).user_id == user.id


@pytest.mark.parametrize(
    "change", [{"role": Role.EDITOR}, {"active": False}], ids=["demote", "deactivate"]
)
async def test_the_last_active_admin_cannot_be_demoted_or_deactivated(kit: Kit, change: dict):
    admin = await kit.add_user("root@example.com", role=Role.ADMIN)

    # The operator at the CLI: an admin acting on themselves is refused earlier (see below).
    with pytest.raises(LastAdminProtected):
        await kit.update_user()(ADMIN, UpdateUserCommand(admin.id, **change))

    assert kit.user(admin.id).is_active_admin


@pytest.mark.parametrize(
    "change",
    [{"role": Role.EDITOR}, {"role": Role.CUSTOMER}, {"active": False}],
    ids=["to-editor", "to-customer", "deactivate"],
)
async def test_an_admin_cannot_demote_or_deactivate_themselves_even_with_another_admin(
    kit: Kit, change: dict
):
    admin = await kit.add_user("root@example.com", role=Role.ADMIN)
    await kit.add_user("second@example.com", role=Role.ADMIN)

    with pytest.raises(OwnAccountProtected) as err:
        await kit.update_user()(kit.actor(admin), UpdateUserCommand(admin.id, **change))

    assert "/me" in err.value.message
    assert kit.user(admin.id).is_active_admin


async def test_an_admin_cannot_delete_themselves_even_with_another_admin(kit: Kit):
    admin = await kit.add_user("root@example.com", role=Role.ADMIN)
    await kit.add_user("second@example.com", role=Role.ADMIN)

    with pytest.raises(OwnAccountProtected):
        await kit.delete_user()(kit.actor(admin), admin.id)

    assert kit.user(admin.id).is_active_admin


async def test_an_admin_may_still_rename_themselves(kit: Kit):
    admin = await kit.add_user("root@example.com", role=Role.ADMIN)

    view = await kit.update_user()(kit.actor(admin), UpdateUserCommand(admin.id, name="Root"))

    assert view.name == "Root" and view.role is Role.ADMIN


async def test_an_admin_can_be_demoted_while_another_remains(kit: Kit):
    first = await kit.add_user("root@example.com", role=Role.ADMIN)
    await kit.add_user("second@example.com", role=Role.ADMIN)

    view = await kit.update_user()(ADMIN, UpdateUserCommand(first.id, role=Role.CUSTOMER))

    assert view.role is Role.CUSTOMER


async def test_an_inactive_admin_does_not_count_as_a_remaining_admin(kit: Kit):
    admin = await kit.add_user("root@example.com", role=Role.ADMIN)
    await kit.add_user("old@example.com", role=Role.ADMIN, active=False)

    with pytest.raises(LastAdminProtected):
        await kit.update_user()(ADMIN, UpdateUserCommand(admin.id, role=Role.EDITOR))


# --- delete ------------------------------------------------------------------------------------


async def test_deleting_a_user_removes_them_and_their_tokens(kit: Kit):
    user = await kit.add_user()
    await kit.log_in()(LogInCommand("ana@example.com", kit.password))

    await kit.delete_user()(ADMIN, user.id)

    assert user.id not in kit.store.users
    assert kit.store.refresh_tokens == {}
    with pytest.raises(UserNotFound):
        await kit.delete_user()(ADMIN, user.id)


async def test_the_last_active_admin_cannot_be_deleted(kit: Kit):
    admin = await kit.add_user("root@example.com", role=Role.ADMIN)

    with pytest.raises(LastAdminProtected):
        await kit.delete_user()(ADMIN, admin.id)

    assert admin.id in kit.store.users


async def test_an_admin_can_be_deleted_while_another_remains(kit: Kit):
    admin = await kit.add_user("root@example.com", role=Role.ADMIN)
    await kit.add_user("second@example.com", role=Role.ADMIN)

    await kit.delete_user()(ADMIN, admin.id)

    assert admin.id not in kit.store.users
