"""Contract: every UserRepository adapter stores, finds, lists and protects users the same way."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from uuid import UUID

import pytest

from application.accounts.ports import UserQuery
from application.shared.paging import Cursor, PageRequest, Sort
from domain.accounts import Role, Tier, User, ensure_admin_remains
from domain.errors import EmailAlreadyRegistered, LastAdminProtected
from tests.support.builders import (
    T0,
    is_utc,
    make_one_time_token,
    make_refresh_token,
    make_user,
)
from tests.support.databases import UnitOfWorkFactory
from tests.support.statements import count_statements


async def _add(uow_factory: UnitOfWorkFactory, *users: User) -> None:
    async with uow_factory() as uow:
        for user in users:
            await uow.users.add(user)
        await uow.commit()


async def _emails(uow_factory: UnitOfWorkFactory, query: UserQuery) -> list[str]:
    async with uow_factory() as uow:
        page = await uow.users.list(query)
    return [u.email for u in page.items]


async def test_added_user_is_found_by_id_and_by_email(uow_factory: UnitOfWorkFactory) -> None:
    user = make_user("ana@example.com", role=Role.EDITOR)
    user.tokens_valid_after = T0 + timedelta(minutes=5)
    await _add(uow_factory, user)

    async with uow_factory() as uow:
        by_id = await uow.users.get(user.id)
        by_email = await uow.users.get_by_email("ana@example.com")

    assert by_id == user
    assert by_email == user
    assert by_id is not None
    assert is_utc(by_id.created_at) and is_utc(by_id.updated_at)
    assert is_utc(by_id.tokens_valid_after)
    assert by_id.role is Role.EDITOR and by_id.tier is Tier.STANDARD


async def test_unknown_user_is_none(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.users.get(UUID(int=1)) is None
        assert await uow.users.get_by_email("nobody@example.com") is None


async def test_update_persists_every_field(uow_factory: UnitOfWorkFactory) -> None:
    user = make_user("ana@example.com")
    await _add(uow_factory, user)
    changed = replace(
        user,
        email="ana.new@example.com",
        name=None,
        password_hash="new-hash",
        role=Role.ADMIN,
        tier=Tier.PREMIUM,
        email_verified=False,
        active=False,
        updated_at=T0 + timedelta(hours=1),
        tokens_valid_after=T0 + timedelta(hours=1),
    )

    async with uow_factory() as uow:
        await uow.users.update(changed)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get(user.id) == changed
        assert await uow.users.get_by_email("ana@example.com") is None


async def test_delete_removes_the_user_and_their_tokens(uow_factory: UnitOfWorkFactory) -> None:
    ana, bob = make_user("ana@example.com"), make_user("bob@example.com")
    await _add(uow_factory, ana, bob)
    async with uow_factory() as uow:
        await uow.one_time_tokens.add(make_one_time_token(ana, "ana-ott"))
        await uow.refresh_tokens.add(make_refresh_token(ana, token_hash="ana-rt"))
        await uow.refresh_tokens.add(make_refresh_token(bob, token_hash="bob-rt"))
        await uow.commit()

    async with uow_factory() as uow:
        await uow.users.delete(ana.id)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get(ana.id) is None
        assert await uow.one_time_tokens.get_by_hash("ana-ott") is None
        assert await uow.refresh_tokens.get_by_hash("ana-rt") is None
        assert await uow.refresh_tokens.get_by_hash("bob-rt") is not None
        assert await uow.users.get(bob.id) == bob


async def test_duplicate_email_is_refused_and_the_transaction_goes_on(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _add(uow_factory, make_user("ana@example.com"))
    carol = make_user("carol@example.com")

    async with uow_factory() as uow:
        with pytest.raises(EmailAlreadyRegistered):
            await uow.users.add(make_user("ana@example.com", name="Impostor"))
        await uow.users.add(carol)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get(carol.id) == carol
        page = await uow.users.list(UserQuery())
    assert page.total == 2


async def test_update_to_an_email_in_use_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    ana, bob = make_user("ana@example.com"), make_user("bob@example.com")
    await _add(uow_factory, ana, bob)

    async with uow_factory() as uow:
        with pytest.raises(EmailAlreadyRegistered):
            await uow.users.update(replace(bob, email="ana@example.com"))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get(bob.id) == bob


async def test_list_search_matches_email_or_name_ignoring_case(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _add(
        uow_factory,
        make_user("ana@example.com", name="Ana Lima", created_at=T0),
        make_user("bob@shop.test", name="Bobby LIMA", created_at=T0 + timedelta(seconds=1)),
        make_user("carol@example.com", name=None, created_at=T0 + timedelta(seconds=2)),
    )

    assert await _emails(uow_factory, UserQuery(search="LiMa")) == [
        "ana@example.com",
        "bob@shop.test",
    ]
    assert await _emails(uow_factory, UserQuery(search="EXAMPLE")) == [
        "ana@example.com",
        "carol@example.com",
    ]
    assert await _emails(uow_factory, UserQuery(search="zzz")) == []


async def test_list_search_takes_like_wildcards_literally(uow_factory: UnitOfWorkFactory) -> None:
    await _add(
        uow_factory,
        make_user("a_b@example.com", name="100% real", created_at=T0),
        make_user("axb@example.com", name="100 real", created_at=T0 + timedelta(seconds=1)),
        make_user("back@example.com", name="back\\slash", created_at=T0 + timedelta(seconds=2)),
    )

    assert await _emails(uow_factory, UserQuery(search="a_b")) == ["a_b@example.com"]
    assert await _emails(uow_factory, UserQuery(search="0%")) == ["a_b@example.com"]
    assert await _emails(uow_factory, UserQuery(search="k\\s")) == ["back@example.com"]


async def test_list_filters_by_role_and_active(uow_factory: UnitOfWorkFactory) -> None:
    await _add(
        uow_factory,
        make_user("admin@example.com", role=Role.ADMIN, created_at=T0),
        make_user("old-admin@example.com", role=Role.ADMIN, active=False, created_at=T0),
        make_user("editor@example.com", role=Role.EDITOR, created_at=T0),
        make_user("gone@example.com", active=False, created_at=T0),
    )

    admins = await _emails(uow_factory, UserQuery(role=Role.ADMIN, sort=Sort("email")))
    inactive = await _emails(uow_factory, UserQuery(active=False, sort=Sort("email")))
    active_admins = await _emails(uow_factory, UserQuery(role=Role.ADMIN, active=True))

    assert admins == ["admin@example.com", "old-admin@example.com"]
    assert inactive == ["gone@example.com", "old-admin@example.com"]
    assert active_admins == ["admin@example.com"]


async def test_list_sorts_by_each_field_in_both_directions(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _add(
        uow_factory,
        make_user("b@example.com", name="zed", created_at=T0),
        make_user("a.z@example.com", name="Yan", created_at=T0 + timedelta(days=2)),
        make_user("az@example.com", name=None, created_at=T0 + timedelta(days=1)),
    )

    by_email = await _emails(uow_factory, UserQuery(sort=Sort("email")))
    by_email_desc = await _emails(uow_factory, UserQuery(sort=Sort("email", descending=True)))
    by_name = await _emails(uow_factory, UserQuery(sort=Sort("name")))
    by_created_desc = await _emails(uow_factory, UserQuery(sort=Sort("createdAt", True)))

    # Byte order: "." sorts before "z" whatever the database's locale says.
    assert by_email == ["a.z@example.com", "az@example.com", "b@example.com"]
    assert by_email_desc == list(reversed(by_email))
    # A missing name sorts as empty; names compare case-insensitively.
    assert by_name == ["az@example.com", "a.z@example.com", "b@example.com"]
    assert by_created_desc == ["a.z@example.com", "az@example.com", "b@example.com"]


async def test_list_breaks_sort_ties_by_id(uow_factory: UnitOfWorkFactory) -> None:
    ids = [UUID(int=n << 64) for n in (3, 1, 2)]
    await _add(
        uow_factory,
        *(make_user(f"u{n}@example.com", created_at=T0, user_id=i) for n, i in enumerate(ids)),
    )

    async with uow_factory() as uow:
        ascending = await uow.users.list(UserQuery(sort=Sort("createdAt")))
        descending = await uow.users.list(UserQuery(sort=Sort("createdAt", descending=True)))

    assert [u.id for u in ascending.items] == sorted(ids, key=str)
    assert [u.id for u in descending.items] == sorted(ids, key=str, reverse=True)


async def test_list_pages_and_counts_the_total(uow_factory: UnitOfWorkFactory) -> None:
    await _add(
        uow_factory,
        *(make_user(f"user{n:02}@example.com", created_at=T0 + timedelta(n)) for n in range(7)),
        make_user("other@shop.test", created_at=T0),
    )
    query = UserQuery(search="example", page=PageRequest(page=2, limit=3))

    async with uow_factory() as uow:
        page = await uow.users.list(query)
        past_the_end = await uow.users.list(replace(query, page=PageRequest(page=4, limit=3)))

    assert [u.email for u in page.items] == [f"user{n:02}@example.com" for n in (3, 4, 5)]
    assert (page.page, page.limit, page.total, page.total_pages) == (2, 3, 7, 3)
    assert past_the_end.items == [] and past_the_end.total == 7


# --- keyset paging and bounded counts ----------------------------------------------------------


async def _walk(uow_factory: UnitOfWorkFactory, query: UserQuery, limit: int) -> list[list[str]]:
    """Every page by cursor, from the first page to the one without a next cursor."""
    pages: list[list[str]] = []
    request = PageRequest(limit=limit)
    async with uow_factory() as uow:
        while True:
            found = await uow.users.list(replace(query, page=request))
            pages.append([u.email for u in found.items])
            if found.next_cursor is None:
                return pages
            assert len(pages) < 20, "the cursor walk does not end"
            request = PageRequest(limit=limit, cursor=Cursor.decode(found.next_cursor))


@pytest.mark.parametrize(
    "sort",
    [
        Sort(field, descending)
        for field in ("createdAt", "email", "name")
        for descending in (False, True)
    ],
    ids=lambda sort: ("-" if sort.descending else "") + sort.field,
)
async def test_a_cursor_walk_sees_what_page_numbers_see(
    uow_factory: UnitOfWorkFactory, sort: Sort
) -> None:
    # Names differing only in case, missing names (sorting as empty) and shared timestamps:
    # the id breaks ties.
    names = ["ana", "Ana", None, "bob", "", "BOB", None]
    await _add(
        uow_factory,
        *(
            make_user(
                f"user{n:02}@example.com",
                name=names[n % len(names)],
                created_at=T0 + timedelta(seconds=n // 3),
            )
            for n in range(11)
        ),
        make_user("other@shop.test", name="Ana"),
    )
    query = UserQuery(search="example", sort=sort)

    async with uow_factory() as uow:
        by_number = [
            [
                u.email
                for u in (
                    await uow.users.list(replace(query, page=PageRequest(page=n, limit=3)))
                ).items
            ]
            for n in range(1, 5)
        ]

    assert await _walk(uow_factory, query, 3) == by_number


async def test_a_cursor_page_names_no_page_number_and_the_last_page_no_next_cursor(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _add(
        uow_factory,
        *(make_user(f"u{n}@example.com", created_at=T0 + timedelta(seconds=n)) for n in range(4)),
    )

    async with uow_factory() as uow:
        first = await uow.users.list(UserQuery(page=PageRequest(limit=2)))
        assert first.next_cursor is not None
        cursor = Cursor.decode(first.next_cursor)
        last = await uow.users.list(UserQuery(page=PageRequest(limit=2, cursor=cursor)))

    assert (first.page, [u.email for u in first.items], first.total) == (
        1,
        ["u0@example.com", "u1@example.com"],
        4,
    )
    assert (last.page, [u.email for u in last.items], last.total) == (
        None,
        ["u2@example.com", "u3@example.com"],
        4,
    )
    assert last.next_cursor is None and last.total_exact


async def test_a_cursor_still_works_when_its_user_is_gone(uow_factory: UnitOfWorkFactory) -> None:
    made = [make_user(f"u{n}@example.com", name=f"User {n}") for n in range(4)]
    await _add(uow_factory, *made)
    async with uow_factory() as uow:
        first = await uow.users.list(UserQuery(sort=Sort("name"), page=PageRequest(limit=2)))
        await uow.users.delete(made[1].id)
        await uow.commit()
    assert first.next_cursor is not None

    async with uow_factory() as uow:
        after = await uow.users.list(
            UserQuery(
                sort=Sort("name"),
                page=PageRequest(limit=2, cursor=Cursor.decode(first.next_cursor)),
            )
        )

    assert [u.email for u in after.items] == ["u2@example.com", "u3@example.com"]


async def test_totals_beyond_the_count_limit_are_a_flagged_lower_bound(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _add(uow_factory, *(make_user(f"u{n}@example.com") for n in range(5)))

    async with uow_factory() as uow:
        bounded = await uow.users.list(UserQuery(page=PageRequest(limit=2, count_limit=3)))
        exact = await uow.users.list(UserQuery(page=PageRequest(limit=2, count_limit=5)))

    assert (bounded.total, bounded.total_exact, len(bounded.items)) == (3, False, 2)
    assert (exact.total, exact.total_exact) == (5, True)


async def test_a_cursor_page_runs_the_same_statements_as_a_first_page(
    sql_uow_factory: UnitOfWorkFactory,
) -> None:
    await _add(
        sql_uow_factory,
        *(make_user(f"u{n:02}@example.com", name=f"User {n:02}") for n in range(30)),
    )
    query = UserQuery(search="user", role=Role.CUSTOMER, active=True, sort=Sort("name", True))
    async with sql_uow_factory() as uow:
        first = await uow.users.list(replace(query, page=PageRequest(limit=10)))
    assert first.next_cursor is not None
    cursor = Cursor.decode(first.next_cursor)

    async with count_statements(sql_uow_factory) as counter, sql_uow_factory() as uow:
        deeper = await uow.users.list(replace(query, page=PageRequest(limit=10, cursor=cursor)))

    assert [u.email for u in deeper.items] == [f"u{n:02}@example.com" for n in range(19, 9, -1)]
    assert counter.count == 2


async def test_count_active_admins_ignores_inactive_admins_and_others(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _add(
        uow_factory,
        make_user("a1@example.com", role=Role.ADMIN),
        make_user("a2@example.com", role=Role.ADMIN),
        make_user("a3@example.com", role=Role.ADMIN, active=False),
        make_user("e@example.com", role=Role.EDITOR),
    )

    async with uow_factory() as uow:
        assert await uow.users.count_active_admins() == 2


async def test_concurrent_demotions_cannot_remove_the_last_admin(
    uow_factory: UnitOfWorkFactory,
) -> None:
    admins = [make_user(f"admin{n}@example.com", role=Role.ADMIN) for n in range(2)]
    await _add(uow_factory, *admins)

    async def demote(user_id: UUID) -> bool:
        async with uow_factory() as uow:
            before = await uow.users.get(user_id)
            assert before is not None
            after = replace(before, role=Role.CUSTOMER)
            try:
                ensure_admin_remains(before, after, await uow.users.count_active_admins())
            except LastAdminProtected:
                return False
            await asyncio.sleep(0)  # let the other demotion run into the lock
            await uow.users.update(after)
            await uow.commit()
            return True

    results = await asyncio.gather(*(demote(a.id) for a in admins))

    assert sorted(results) == [False, True]
    async with uow_factory() as uow:
        assert await uow.users.count_active_admins() == 1
