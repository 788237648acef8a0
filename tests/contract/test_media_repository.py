"""Contract: every media repository stores and lists files' rows alike, and every backend
answers what uses a file (products' image lists) and whose a file is (the catalog's port)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from application.media.ports import MediaQuery
from application.shared.paging import Cursor, PageRequest, Sort
from domain.media import MediaFile
from tests.support.builders import T0, is_utc, make_media, make_product
from tests.support.databases import UnitOfWorkFactory
from tests.support.statements import count_statements

OWNER, OTHER = uuid4(), uuid4()


async def _add(uow_factory: UnitOfWorkFactory, *files: MediaFile) -> None:
    async with uow_factory() as uow:
        for media in files:
            await uow.media_files.add(media)
        await uow.commit()


async def _names(uow_factory: UnitOfWorkFactory, query: MediaQuery) -> list[str]:
    async with uow_factory() as uow:
        page = await uow.media_files.list(query)
    return [m.filename for m in page.items]


# --- storing ---------------------------------------------------------------------------------


async def test_an_added_file_is_found_with_every_field(uow_factory: UnitOfWorkFactory) -> None:
    photo = make_media(OWNER, "Ünïcødé 写真 ✓.png")
    song = make_media(OWNER, "song.mp3", content_type="audio/mpeg", width=None, height=None)
    await _add(uow_factory, photo, song)

    async with uow_factory() as uow:
        found = await uow.media_files.get(photo.id)
        locked = await uow.media_files.get_for_update(song.id)
    async with uow_factory.read_only() as uow:
        read = await uow.media_files.get(photo.id)

    assert found == photo == read
    assert locked == song
    assert found is not None and is_utc(found.created_at)


async def test_an_unknown_file_is_none(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.media_files.get(uuid4()) is None
        assert await uow.media_files.get_for_update(uuid4()) is None


async def test_a_deleted_file_is_gone(uow_factory: UnitOfWorkFactory) -> None:
    doomed, kept = make_media(OWNER, "doomed.png"), make_media(OWNER, "kept.png")
    await _add(uow_factory, doomed, kept)

    async with uow_factory() as uow:
        await uow.media_files.delete(doomed.id)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.media_files.get(doomed.id) is None
        assert await uow.media_files.get(kept.id) == kept


async def test_an_uncommitted_file_is_not_kept(uow_factory: UnitOfWorkFactory) -> None:
    media = make_media(OWNER)
    async with uow_factory() as uow:
        await uow.media_files.add(media)

    async with uow_factory() as uow:
        assert await uow.media_files.get(media.id) is None


async def test_existing_keys_are_the_keys_with_a_row(uow_factory: UnitOfWorkFactory) -> None:
    first, second = make_media(OWNER), make_media(OTHER)
    await _add(uow_factory, first, second)
    orphan = str(uuid4())

    async with uow_factory.read_only() as uow:
        known = await uow.media_files.existing_keys([first.storage_key, orphan, "not-an-id"])
        none = await uow.media_files.existing_keys([])

    assert known == {first.storage_key}
    assert none == set()


# --- listing ---------------------------------------------------------------------------------


async def test_the_list_filters_by_owner_sorts_and_pages(uow_factory: UnitOfWorkFactory) -> None:
    await _add(
        uow_factory,
        make_media(OWNER, "a.png", size_bytes=300, created_at=T0),
        make_media(OWNER, "b.png", size_bytes=100, created_at=T0 + timedelta(hours=1)),
        make_media(OWNER, "c.png", size_bytes=200, created_at=T0 + timedelta(hours=2)),
        make_media(OTHER, "theirs.png", size_bytes=50, created_at=T0 + timedelta(hours=3)),
    )
    newest = Sort("createdAt", descending=True)

    mine = await _names(uow_factory, MediaQuery(owner_id=OWNER, sort=newest))
    everyone = await _names(uow_factory, MediaQuery(sort=newest))
    by_size = await _names(uow_factory, MediaQuery(owner_id=OWNER, sort=Sort("sizeBytes")))
    biggest = await _names(uow_factory, MediaQuery(sort=Sort("sizeBytes", descending=True)))
    second_page = await _names(
        uow_factory, MediaQuery(owner_id=OWNER, sort=newest, page=PageRequest(2, 2))
    )
    async with uow_factory.read_only() as uow:
        page = await uow.media_files.list(MediaQuery(owner_id=OWNER, page=PageRequest(1, 2)))

    assert mine == ["c.png", "b.png", "a.png"]
    assert everyone == ["theirs.png", "c.png", "b.png", "a.png"]
    assert by_size == ["b.png", "c.png", "a.png"]
    assert biggest == ["a.png", "c.png", "b.png", "theirs.png"]
    assert second_page == ["a.png"]
    assert (len(page.items), page.total, page.total_pages) == (2, 3, 2)


async def test_ties_are_broken_by_id_the_same_way_everywhere(
    uow_factory: UnitOfWorkFactory,
) -> None:
    twins = [make_media(OWNER, f"{n}.png", size_bytes=10) for n in range(4)]
    await _add(uow_factory, *twins)

    listed = await _names(uow_factory, MediaQuery(sort=Sort("sizeBytes")))

    assert listed == [m.filename for m in sorted(twins, key=lambda m: str(m.id))]


async def test_a_page_is_two_statements_whatever_its_size(
    sql_uow_factory: UnitOfWorkFactory,
) -> None:
    await _add(sql_uow_factory, *(make_media(OWNER, f"{n}.png") for n in range(30)))

    async with count_statements(sql_uow_factory) as counter, sql_uow_factory.read_only() as uow:
        page = await uow.media_files.list(MediaQuery(page=PageRequest(1, 25)))

    assert len(page.items) == 25
    assert counter.count == 2


# --- keyset paging and bounded counts ----------------------------------------------------------


async def _walk(
    uow_factory: UnitOfWorkFactory, sort: Sort, limit: int, owner_id: UUID | None = None
) -> list[list[str]]:
    """Every page by cursor, from the first page to the one without a next cursor."""
    pages: list[list[str]] = []
    request = PageRequest(limit=limit)
    async with uow_factory() as uow:
        while True:
            found = await uow.media_files.list(
                MediaQuery(owner_id=owner_id, sort=sort, page=request)
            )
            pages.append([m.filename for m in found.items])
            if found.next_cursor is None:
                return pages
            assert len(pages) < 20, "the cursor walk does not end"
            request = PageRequest(limit=limit, cursor=Cursor.decode(found.next_cursor))


@pytest.mark.parametrize(
    "sort",
    [
        Sort(field, descending)
        for field in ("createdAt", "sizeBytes")
        for descending in (False, True)
    ],
    ids=lambda sort: ("-" if sort.descending else "") + sort.field,
)
@pytest.mark.parametrize("owned", [True, False], ids=["one-owner", "everyone"])
async def test_a_cursor_walk_sees_what_page_numbers_see(
    uow_factory: UnitOfWorkFactory, sort: Sort, owned: bool
) -> None:
    # Shared sizes and shared timestamps, two owners: the id breaks ties, the owner filters.
    await _add(
        uow_factory,
        *(
            make_media(
                OWNER if n % 3 else OTHER,
                f"{n}.png",
                size_bytes=100 * (n % 3) + 1,
                created_at=T0 + timedelta(seconds=n // 2),
            )
            for n in range(13)
        ),
    )
    owner_id = OWNER if owned else None

    by_number = [
        await _names(uow_factory, MediaQuery(owner_id=owner_id, sort=sort, page=PageRequest(n, 3)))
        for n in range(1, 6)
    ]

    walked = await _walk(uow_factory, sort, 3, owner_id)
    assert walked == [names for names in by_number if names]


async def test_a_cursor_page_names_no_page_number_and_the_last_page_no_next_cursor(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _add(
        uow_factory,
        *(make_media(OWNER, f"{n}.png", created_at=T0 + timedelta(seconds=n)) for n in range(4)),
    )

    async with uow_factory() as uow:
        first = await uow.media_files.list(MediaQuery(page=PageRequest(limit=2)))
        assert first.next_cursor is not None
        cursor = Cursor.decode(first.next_cursor)
        last = await uow.media_files.list(MediaQuery(page=PageRequest(limit=2, cursor=cursor)))

    assert (first.page, [m.filename for m in first.items], first.total) == (
        1,
        ["3.png", "2.png"],
        4,
    )
    assert (last.page, [m.filename for m in last.items], last.total) == (
        None,
        ["1.png", "0.png"],
        4,
    )
    assert last.next_cursor is None and last.total_exact


async def test_a_cursor_still_works_when_its_row_is_gone(uow_factory: UnitOfWorkFactory) -> None:
    made = [make_media(OWNER, f"{n}.png", created_at=T0 + timedelta(seconds=n)) for n in range(4)]
    await _add(uow_factory, *made)
    async with uow_factory() as uow:
        first = await uow.media_files.list(MediaQuery(page=PageRequest(limit=2)))
        await uow.media_files.delete(made[2].id)
        await uow.commit()
    assert first.next_cursor is not None

    after = await _names(
        uow_factory, MediaQuery(page=PageRequest(limit=2, cursor=Cursor.decode(first.next_cursor)))
    )

    assert after == ["1.png", "0.png"]


async def test_a_cursor_from_another_owners_list_shows_only_the_filtered_owners_files(
    uow_factory: UnitOfWorkFactory,
) -> None:
    # Their files half a second after each of mine: a cursor only says where to start.
    await _add(
        uow_factory,
        *(
            make_media(OTHER, f"theirs-{n}.png", created_at=T0 + timedelta(seconds=n + 0.5))
            for n in range(4)
        ),
        *(
            make_media(OWNER, f"mine-{n}.png", created_at=T0 + timedelta(seconds=n))
            for n in range(4)
        ),
    )
    async with uow_factory() as uow:
        theirs = await uow.media_files.list(MediaQuery(owner_id=OTHER, page=PageRequest(limit=2)))
    assert theirs.next_cursor is not None

    listed = await _names(
        uow_factory,
        MediaQuery(
            owner_id=OWNER, page=PageRequest(limit=10, cursor=Cursor.decode(theirs.next_cursor))
        ),
    )

    assert listed == ["mine-2.png", "mine-1.png", "mine-0.png"]


async def test_totals_beyond_the_count_limit_are_a_flagged_lower_bound(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await _add(uow_factory, *(make_media(OWNER, f"{n}.png") for n in range(5)))

    async with uow_factory() as uow:
        bounded = await uow.media_files.list(MediaQuery(page=PageRequest(limit=2, count_limit=3)))
        exact = await uow.media_files.list(MediaQuery(page=PageRequest(limit=2, count_limit=5)))
        theirs = await uow.media_files.list(
            MediaQuery(owner_id=OTHER, page=PageRequest(limit=2, count_limit=3))
        )

    assert (bounded.total, bounded.total_exact, len(bounded.items)) == (3, False, 2)
    assert (exact.total, exact.total_exact) == (5, True)
    assert (theirs.total, theirs.total_exact) == (0, True)


async def test_a_cursor_page_runs_the_same_statements_as_a_first_page(
    sql_uow_factory: UnitOfWorkFactory,
) -> None:
    await _add(
        sql_uow_factory,
        *(make_media(OWNER, f"{n}.png", created_at=T0 + timedelta(seconds=n)) for n in range(30)),
    )
    async with sql_uow_factory() as uow:
        first = await uow.media_files.list(MediaQuery(owner_id=OWNER, page=PageRequest(1, 10)))
    assert first.next_cursor is not None
    cursor = Cursor.decode(first.next_cursor)

    async with count_statements(sql_uow_factory) as counter, sql_uow_factory.read_only() as uow:
        deeper = await uow.media_files.list(
            MediaQuery(owner_id=OWNER, page=PageRequest(limit=10, cursor=cursor))
        )

    assert [m.filename for m in deeper.items] == [f"{n}.png" for n in range(19, 9, -1)]
    assert counter.count == 2


# --- what uses a file ------------------------------------------------------------------------


async def _public(uow_factory: UnitOfWorkFactory, media: MediaFile) -> bool:
    async with uow_factory.read_only() as uow:
        return await uow.media_usage.is_public(media.id)


async def test_a_file_is_public_only_while_an_active_product_shows_it(
    uow_factory: UnitOfWorkFactory,
) -> None:
    shown, hidden, unused = (make_media(OWNER) for _ in range(3))
    await _add(uow_factory, shown, hidden, unused)
    async with uow_factory() as uow:
        await uow.products.add(make_product("On sale", image_ids=[uuid4(), shown.id]))
        await uow.products.add(make_product("Off sale", active=False, image_ids=[hidden.id]))
        await uow.commit()

    public = [await _public(uow_factory, m) for m in (shown, hidden, unused)]
    async with uow_factory.read_only() as uow:
        used = [await uow.media_usage.is_used(m.id) for m in (shown, hidden, unused)]

    assert public == [True, False, False]
    assert used == [True, True, False]


async def test_taking_a_product_off_sale_makes_its_images_private_again(
    uow_factory: UnitOfWorkFactory,
) -> None:
    media = make_media(OWNER)
    await _add(uow_factory, media)
    product = make_product(image_ids=[media.id])
    async with uow_factory() as uow:
        await uow.products.add(product)
        await uow.commit()
    before = await _public(uow_factory, media)

    async with uow_factory() as uow:
        await uow.products.update(replace(product, active=False))
        await uow.commit()

    assert (before, await _public(uow_factory, media)) == (True, False)


# --- the catalog's port ----------------------------------------------------------------------


async def test_attachable_images_name_the_owner_of_each_existing_file(
    uow_factory: UnitOfWorkFactory,
) -> None:
    mine, theirs = make_media(OWNER), make_media(OTHER)
    await _add(uow_factory, mine, theirs)
    unknown = uuid4()

    async with uow_factory() as uow:
        owners = await uow.attachable_images.owners([mine.id, theirs.id, unknown])
        none = await uow.attachable_images.owners([])

    assert owners == {mine.id: OWNER, theirs.id: OTHER}
    assert none == {}


@pytest.mark.postgres
async def test_on_postgres_a_delete_waits_for_a_product_taking_the_file(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    media = make_media(OWNER)
    await _add(postgres_uow_factory, media)
    taking = postgres_uow_factory()
    await taking.__aenter__()
    try:
        await taking.attachable_images.owners([media.id])

        async def delete_unless_used() -> bool:
            async with postgres_uow_factory() as uow:
                await uow.media_files.get_for_update(media.id)
                used = await uow.media_usage.is_used(media.id)
                if not used:
                    await uow.media_files.delete(media.id)
                    await uow.commit()
                return used

        deleting = asyncio.create_task(delete_unless_used())
        await asyncio.sleep(0.3)
        assert not deleting.done()  # blocked on the share lock
        await taking.products.add(make_product(image_ids=[media.id]))
        await taking.commit()
    finally:
        await taking.__aexit__(None, None, None)

    assert await deleting is True  # it saw the product once the lock was released
