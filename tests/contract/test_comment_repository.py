"""Contract: every comment repository stores a post's comments alike, counts them for a page
of posts in one statement, and the blog's views of files and users answer alike."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from application.shared.paging import Cursor, PageRequest
from domain.blog import Comment, Post, excerpt_of
from tests.support.builders import T0, make_media, make_user
from tests.support.databases import UnitOfWorkFactory
from tests.support.statements import count_statements

AUTHOR, READER = uuid4(), uuid4()


def _post(slug: str) -> Post:
    return Post(
        id=uuid4(),
        slug=slug,
        title=slug,
        content="Body",
        excerpt=excerpt_of("Body"),
        published=True,
        published_at=T0,
        tags=(),
        author_id=AUTHOR,
        cover_image_id=None,
        version=1,
        created_at=T0,
        updated_at=T0,
    )


def _comment(post: Post, text: str, minutes: int, author: UUID = READER) -> Comment:
    return Comment.write(uuid4(), post.id, author, text, T0 + timedelta(minutes=minutes))


async def _add(
    uow_factory: UnitOfWorkFactory, *posts: Post, comments: tuple[Comment, ...] = ()
) -> None:
    async with uow_factory() as uow:
        for post in posts:
            await uow.posts.add(post)
        for comment in comments:
            await uow.comments.add(comment)
        await uow.commit()


async def test_an_added_comment_is_found_with_every_field(uow_factory: UnitOfWorkFactory) -> None:
    post = _post("p")
    comment = _comment(post, "Ünïcødé ✓\nsecond line", 1)
    await _add(uow_factory, post, comments=(comment,))

    async with uow_factory() as uow:
        found = await uow.comments.get(comment.id)
    async with uow_factory.read_only() as uow:
        read = await uow.comments.get(comment.id)
        missing = await uow.comments.get(uuid4())

    assert found == read == comment
    assert missing is None


async def test_comments_are_oldest_first_paged_with_their_total(
    uow_factory: UnitOfWorkFactory,
) -> None:
    post, other = _post("p"), _post("q")
    mine = [_comment(post, f"c{n}", minutes=10 - n) for n in range(5)]
    await _add(uow_factory, post, other, comments=(*mine, _comment(other, "elsewhere", 0)))

    async with uow_factory.read_only() as uow:
        first = await uow.comments.list(post.id, PageRequest(page=1, limit=2))
        last = await uow.comments.list(post.id, PageRequest(page=3, limit=2))
        none = await uow.comments.list(uuid4(), PageRequest())

    assert [c.content for c in first.items] == ["c4", "c3"]
    assert [c.content for c in last.items] == ["c0"]
    assert first.total == last.total == 5
    assert none.items == [] and none.total == 0


async def test_a_cursor_walk_sees_what_page_numbers_see(uow_factory: UnitOfWorkFactory) -> None:
    post, other = _post("p"), _post("q")
    # Two comments a minute, the id breaking ties; another post's comments in between.
    mine = [_comment(post, f"c{n}", minutes=n // 2) for n in range(11)]
    theirs = [_comment(other, f"o{n}", minutes=n) for n in range(5)]
    await _add(uow_factory, post, other, comments=(*mine, *theirs))

    async with uow_factory.read_only() as uow:
        by_number = [
            [c.content for c in (await uow.comments.list(post.id, PageRequest(n, 3))).items]
            for n in range(1, 5)
        ]
        walked: list[list[str]] = []
        pages: list[int | None] = []
        request = PageRequest(limit=3)
        while True:
            found = await uow.comments.list(post.id, request)
            walked.append([c.content for c in found.items])
            pages.append(found.page)
            assert found.total == 11 and found.total_exact
            if found.next_cursor is None:
                break
            assert len(walked) < 10, "the cursor walk does not end"
            request = PageRequest(limit=3, cursor=Cursor.decode(found.next_cursor))

    assert walked == by_number
    assert pages == [1, None, None, None]


async def test_a_comment_cursor_still_works_when_its_comment_is_gone(
    uow_factory: UnitOfWorkFactory,
) -> None:
    post = _post("p")
    made = [_comment(post, f"c{n}", minutes=n) for n in range(4)]
    await _add(uow_factory, post, comments=tuple(made))
    async with uow_factory() as uow:
        first = await uow.comments.list(post.id, PageRequest(limit=2))
        await uow.comments.delete(made[1].id)
        await uow.commit()
    assert first.next_cursor is not None

    async with uow_factory.read_only() as uow:
        after = await uow.comments.list(
            post.id, PageRequest(limit=2, cursor=Cursor.decode(first.next_cursor))
        )

    assert [c.content for c in after.items] == ["c2", "c3"]
    assert after.next_cursor is None


async def test_comment_totals_beyond_the_count_limit_are_a_flagged_lower_bound(
    uow_factory: UnitOfWorkFactory,
) -> None:
    post = _post("p")
    await _add(uow_factory, post, comments=tuple(_comment(post, f"c{n}", n) for n in range(5)))

    async with uow_factory.read_only() as uow:
        bounded = await uow.comments.list(post.id, PageRequest(limit=2, count_limit=3))
        exact = await uow.comments.list(post.id, PageRequest(limit=2, count_limit=5))

    assert (bounded.total, bounded.total_exact, len(bounded.items)) == (3, False, 2)
    assert (exact.total, exact.total_exact) == (5, True)


async def test_a_comment_page_is_two_statements_by_number_or_by_cursor(
    sql_uow_factory: UnitOfWorkFactory,
) -> None:
    post = _post("p")
    await _add(sql_uow_factory, post, comments=tuple(_comment(post, f"c{n}", n) for n in range(30)))
    async with sql_uow_factory.read_only() as uow:
        first = await uow.comments.list(post.id, PageRequest(limit=10))
    assert first.next_cursor is not None
    cursor = Cursor.decode(first.next_cursor)

    async with count_statements(sql_uow_factory) as counter, sql_uow_factory.read_only() as uow:
        deeper = await uow.comments.list(post.id, PageRequest(limit=10, cursor=cursor))
    async with count_statements(sql_uow_factory) as by_number, sql_uow_factory.read_only() as uow:
        await uow.comments.list(post.id, PageRequest(page=2, limit=10))

    assert [c.content for c in deeper.items] == [f"c{n}" for n in range(10, 20)]
    assert counter.count == by_number.count == 2


async def test_a_deleted_comment_is_gone(uow_factory: UnitOfWorkFactory) -> None:
    post = _post("p")
    doomed, kept = _comment(post, "doomed", 1), _comment(post, "kept", 2)
    await _add(uow_factory, post, comments=(doomed, kept))

    async with uow_factory() as uow:
        await uow.comments.delete(doomed.id)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.comments.get(doomed.id) is None
        assert (await uow.comments.list(post.id, PageRequest())).items == [kept]


async def test_counts_per_post(uow_factory: UnitOfWorkFactory) -> None:
    a, b, c = _post("a"), _post("b"), _post("c")
    await _add(
        uow_factory,
        a,
        b,
        c,
        comments=(_comment(a, "1", 1), _comment(a, "2", 2), _comment(b, "3", 3)),
    )

    async with uow_factory.read_only() as uow:
        counts = await uow.comments.counts([a.id, b.id, c.id])
        nothing = await uow.comments.counts([])

    assert {post_id: counts.get(post_id, 0) for post_id in (a.id, b.id, c.id)} == {
        a.id: 2,
        b.id: 1,
        c.id: 0,
    }
    assert nothing == {}


@pytest.mark.parametrize("posts", [1, 40])
async def test_counts_are_one_statement_whatever_the_number_of_posts(
    sql_uow_factory: UnitOfWorkFactory, posts: int
) -> None:
    many = [_post(f"p{n}") for n in range(posts)]
    await _add(sql_uow_factory, *many, comments=tuple(_comment(p, "hi", 1) for p in many))

    ids = [p.id for p in many]
    async with sql_uow_factory.read_only() as uow:
        await uow.comments.counts(ids)  # asyncpg looks the array's type up on first use
    async with count_statements(sql_uow_factory) as counter, sql_uow_factory.read_only() as uow:
        counts = await uow.comments.counts(ids)

    assert counts == {p.id: 1 for p in many}
    assert counter.count == 1


async def test_a_cover_image_exists_when_a_file_has_its_id(uow_factory: UnitOfWorkFactory) -> None:
    media = make_media(AUTHOR)
    async with uow_factory() as uow:
        await uow.media_files.add(media)
        await uow.commit()

    async with uow_factory.read_only() as uow:
        assert await uow.media.exists(media.id) is True
        assert await uow.media.exists(uuid4()) is False


async def test_author_names_of_existing_users(uow_factory: UnitOfWorkFactory) -> None:
    ana = make_user("ana@example.com", name="Ana")
    nameless = make_user("x@example.com", name=None)
    async with uow_factory() as uow:
        await uow.users.add(ana)
        await uow.users.add(nameless)
        await uow.commit()

    async with uow_factory.read_only() as uow:
        names = await uow.authors.names([ana.id, nameless.id, uuid4()])
        nothing = await uow.authors.names([])

    assert names == {ana.id: "Ana", nameless.id: None}
    assert nothing == {}
