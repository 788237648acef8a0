"""Contract: every post repository stores posts with their tags and old slugs alike, and
searches them alike: memory, SQLite with its FTS5 index, SQLite without it (LIKE), Postgres.

Drafts never reach a published-only list, search or tag count on any of them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy import text

from adapters.sqlalchemy.blog.search import SearchMode, search_mode
from adapters.sqlalchemy.database import create_engine
from application.blog.ports import SEARCH_MATCH_LIMIT, PostQuery, TagCount
from application.shared.paging import Cursor, PageRequest, Sort
from domain.blog import Comment, Post, PostChanged, SlugTaken, excerpt_of
from tests.support.builders import T0, is_utc
from tests.support.databases import (
    UnitOfWorkFactory,
    copy_sqlite_database,
    memory_factory,
    sql_factory,
    sqlite_url,
)
from tests.support.statements import count_statements

AUTHOR, OTHER = uuid4(), uuid4()
# Every backend; "sqlite-like" is a SQLite database whose build had no FTS5 at migration time.
POST_BACKENDS = ("memory", "sqlite", "sqlite-like", "postgres")
STEMMING_BACKENDS = ("memory", "sqlite", "postgres")


async def strip_fts5(path: Path) -> None:
    """Make the migrated SQLite file what the migration builds without FTS5: no index, no
    triggers."""
    engine = create_engine(sqlite_url(path))
    try:
        async with engine.begin() as conn:
            for trigger in ("posts_fts_insert", "posts_fts_update", "posts_fts_delete"):
                await conn.execute(text(f"DROP TRIGGER {trigger}"))
            await conn.execute(text("DROP TABLE posts_fts"))
    finally:
        await engine.dispose()


@pytest.fixture
async def sqlite_like_uow_factory(
    migrated_sqlite_template: Path, tmp_path: Path
) -> AsyncIterator[UnitOfWorkFactory]:
    """Units of work on a SQLite database without the FTS5 index (search falls back to LIKE)."""
    path = copy_sqlite_database(migrated_sqlite_template, tmp_path / "no-fts.db")
    await strip_fts5(path)
    async with sql_factory("sqlite-like", sqlite_url(path)) as factory:
        yield factory


def _factory(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    if request.param == "memory":
        return memory_factory()
    name = request.param.replace("-", "_")
    factory: UnitOfWorkFactory = request.getfixturevalue(f"{name}_uow_factory")
    return factory


@pytest.fixture(params=POST_BACKENDS)
def blog(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    """Units of work on each backend in turn."""
    return _factory(request)


@pytest.fixture(params=STEMMING_BACKENDS)
def stemming_blog(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    """The backends whose search stems words (LIKE does not)."""
    return _factory(request)


@pytest.fixture(params=("sqlite", "sqlite-like", "postgres"))
def sql_blog(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    """The SQL backends (their statements can be counted)."""
    return _factory(request)


_seq = iter(range(1, 1_000_000))


def make_post(
    title: str = "Hello world",
    content: str = "Some words.",
    *,
    slug: str | None = None,
    tags: tuple[str, ...] = (),
    published: bool = True,
    author_id: UUID = AUTHOR,
    minutes: int | None = None,
) -> Post:
    """A post, published `minutes` after T0 (each new one later than the last by default)."""
    n = next(_seq)
    at = T0 + timedelta(minutes=n if minutes is None else minutes)
    return Post(
        id=uuid4(),
        slug=slug or f"post-{n}",
        title=title,
        content=content,
        excerpt=excerpt_of(content),
        published=published,
        published_at=at if published else None,
        tags=tags,
        author_id=author_id,
        cover_image_id=None,
        version=1,
        created_at=at,
        updated_at=at,
    )


async def _add(blog: UnitOfWorkFactory, *posts: Post) -> None:
    async with blog() as uow:
        for post in posts:
            await uow.posts.add(post)
        await uow.commit()


async def _titles(blog: UnitOfWorkFactory, query: PostQuery) -> list[str]:
    async with blog.read_only() as uow:
        page = await uow.posts.list(query)
    return [p.title for p in page.items]


def _search(words: str, **kw: object) -> PostQuery:
    return PostQuery(search=words, **kw)  # type: ignore[arg-type]


# --- storing ---------------------------------------------------------------------------------


async def test_an_added_post_is_found_with_every_field_and_its_tags_in_order(
    blog: UnitOfWorkFactory,
) -> None:
    post = make_post("Ünïcødé ✓ post", "Body\nwith lines", tags=("zebra", "apple", "mango"))
    await _add(blog, post, make_post("Untagged"))

    async with blog() as uow:
        by_id = await uow.posts.get(post.id)
        by_slug = await uow.posts.get_by_slug(post.slug)
    async with blog.read_only() as uow:
        read = await uow.posts.get(post.id)

    assert by_id == by_slug == read == post
    assert by_id is not None and is_utc(by_id.published_at) and is_utc(by_id.created_at)


async def test_unknown_ids_and_slugs_are_none(blog: UnitOfWorkFactory) -> None:
    async with blog() as uow:
        assert await uow.posts.get(uuid4()) is None
        assert await uow.posts.get_by_slug("nothing") is None
        assert await uow.posts.get_by_old_slug("nothing") is None


async def test_a_taken_slug_is_refused_and_the_transaction_goes_on(
    blog: UnitOfWorkFactory,
) -> None:
    first = make_post("First", slug="same")
    await _add(blog, first)

    async with blog() as uow:
        with pytest.raises(SlugTaken):
            await uow.posts.add(make_post("Second", slug="same", tags=("t",)))
        retried = make_post("Second", slug="same-2", tags=("t",))
        await uow.posts.add(retried)
        await uow.commit()

    async with blog() as uow:
        assert await uow.posts.get_by_slug("same") == first
        assert await uow.posts.get_by_slug("same-2") == retried


async def test_an_old_slug_keeps_answering_and_cannot_be_taken(blog: UnitOfWorkFactory) -> None:
    post = make_post("Moving", slug="old-place")
    await _add(blog, post)
    moved = post.edited(T0 + timedelta(days=1), slug="new-place")

    async with blog() as uow:
        await uow.posts.update(moved, expected_version=1)
        await uow.commit()

    async with blog() as uow:
        assert await uow.posts.get_by_slug("old-place") is None
        assert await uow.posts.get_by_old_slug("old-place") == moved
        assert await uow.posts.get_by_slug("new-place") == moved
        with pytest.raises(SlugTaken):
            await uow.posts.add(make_post("Squatter", slug="old-place"))


async def test_a_post_may_go_back_to_its_own_old_slug(blog: UnitOfWorkFactory) -> None:
    post = make_post("Round trip", slug="a")
    await _add(blog, post)
    at_b = post.edited(T0, slug="b")
    back = at_b.edited(T0, slug="a")

    async with blog() as uow:
        await uow.posts.update(at_b, expected_version=1)
        await uow.posts.update(back, expected_version=2)
        await uow.commit()

    async with blog() as uow:
        assert await uow.posts.get_by_slug("a") == back
        assert await uow.posts.get_by_old_slug("b") == back
        assert await uow.posts.get_by_old_slug("a") is None


async def test_a_slug_another_post_answers_at_refuses_the_whole_update(
    blog: UnitOfWorkFactory,
) -> None:
    mine, theirs, moved_away = make_post(slug="mine"), make_post(slug="theirs"), make_post()
    await _add(blog, mine, theirs, moved_away)
    async with blog() as uow:
        await uow.posts.update(moved_away.edited(T0, slug="elsewhere"), moved_away.version)
        await uow.commit()

    for taken in ("theirs", moved_away.slug):
        async with blog() as uow:
            with pytest.raises(SlugTaken):
                await uow.posts.update(mine.edited(T0, slug=taken, title="New"), 1)
            await uow.commit()

    async with blog() as uow:
        assert await uow.posts.get(mine.id) == mine


async def test_a_stale_version_is_refused_and_nothing_is_written(
    blog: UnitOfWorkFactory,
) -> None:
    post = make_post("Original", tags=("a",))
    await _add(blog, post)
    first = post.edited(T0 + timedelta(hours=1), title="First edit", tags=("b", "a"))
    async with blog() as uow:
        await uow.posts.update(first, expected_version=1)
        await uow.commit()

    async with blog() as uow:
        with pytest.raises(PostChanged):
            stale = post.edited(T0, title="Stale", tags=("c",), slug="stale")
            await uow.posts.update(stale, expected_version=1)
        await uow.commit()

    async with blog() as uow:
        assert await uow.posts.get(post.id) == first
        assert await uow.posts.get_by_old_slug(post.slug) is None


async def test_a_deleted_post_takes_its_tags_old_slugs_and_comments(
    blog: UnitOfWorkFactory,
) -> None:
    post, kept = make_post(slug="doomed", tags=("x",)), make_post(tags=("x",))
    await _add(blog, post, kept)
    async with blog() as uow:
        await uow.posts.update(post.edited(T0, slug="doomed-now"), 1)
        await uow.comments.add(Comment.write(uuid4(), post.id, OTHER, "Bye", T0))
        await uow.commit()

    async with blog() as uow:
        await uow.posts.delete(post.id)
        await uow.commit()

    async with blog() as uow:
        assert await uow.posts.get(post.id) is None
        assert await uow.posts.get_by_old_slug("doomed") is None
        assert await uow.comments.counts([post.id]) in ({}, {post.id: 0})
        assert await uow.posts.tag_counts() == [TagCount("x", 1)]
        assert await uow.posts.get(kept.id) == kept


# --- lists and drafts ------------------------------------------------------------------------


async def test_drafts_never_reach_published_lists_searches_or_tag_counts(
    blog: UnitOfWorkFactory,
) -> None:
    draft = make_post("Secret plans", "secret content", tags=("secret", "shared"), published=False)
    public = make_post("Public notes", "open content", tags=("shared",))
    await _add(blog, draft, public)

    assert await _titles(blog, PostQuery()) == ["Public notes"]
    assert await _titles(blog, _search("secret")) == []
    assert await _titles(blog, _search("content")) == ["Public notes"]
    assert await _titles(blog, PostQuery(tag="secret")) == []
    async with blog.read_only() as uow:
        assert await uow.posts.tag_counts() == [TagCount("shared", 1)]
        assert [p.title for p in await uow.posts.latest_published(20)] == ["Public notes"]
    # The author's own list (drafts too) and the drafts-only list do show it.
    mine = PostQuery(published=None, author_id=AUTHOR, search="secret")
    assert await _titles(blog, mine) == ["Secret plans"]
    assert await _titles(blog, PostQuery(published=False)) == ["Secret plans"]


async def test_filters_by_author_and_tag_combine(blog: UnitOfWorkFactory) -> None:
    await _add(
        blog,
        make_post("Mine tagged", tags=("python",)),
        make_post("Mine plain"),
        make_post("Theirs tagged", tags=("python",), author_id=OTHER),
    )

    assert await _titles(blog, PostQuery(tag="python", author_id=AUTHOR)) == ["Mine tagged"]
    assert await _titles(blog, PostQuery(tag="python")) == ["Theirs tagged", "Mine tagged"]
    assert await _titles(blog, PostQuery(author_id=OTHER)) == ["Theirs tagged"]


async def test_tag_counts_are_most_used_first_then_by_name(blog: UnitOfWorkFactory) -> None:
    await _add(
        blog,
        make_post(tags=("b", "a")),
        make_post(tags=("c", "a")),
        make_post(tags=("b", "a")),
        make_post(tags=("c", "a", "z"), published=False),
    )

    async with blog() as uow:
        counts = await uow.posts.tag_counts()

    assert counts == [TagCount("a", 3), TagCount("b", 2), TagCount("c", 1)]


async def test_pages_and_totals(blog: UnitOfWorkFactory) -> None:
    await _add(blog, *(make_post(f"Post {n:02}", "common word") for n in range(25)))

    async with blog.read_only() as uow:
        third = await uow.posts.list(PostQuery(page=PageRequest(page=3, limit=10)))
        searched = await uow.posts.list(_search("common", page=PageRequest(page=2, limit=20)))
        past_the_end = await uow.posts.list(_search("common", page=PageRequest(page=3, limit=20)))

    assert [p.title for p in third.items] == ["Post 04", "Post 03", "Post 02", "Post 01", "Post 00"]
    assert third.total == 25
    assert len(searched.items) == 5 and searched.total == 25
    assert past_the_end.items == [] and past_the_end.total == 25


async def test_sorts_with_ties_broken_and_drafts_last_by_publication(
    blog: UnitOfWorkFactory,
) -> None:
    b = make_post("banana", minutes=5)
    a = make_post("Apple", minutes=10)
    c = make_post("cherry", published=False, minutes=1)
    await _add(blog, b, a, c)
    everything = {"published": None}

    by_title = await _titles(blog, PostQuery(sort=Sort("title"), **everything))  # type: ignore[arg-type]
    newest = await _titles(blog, PostQuery(sort=Sort("publishedAt", True), **everything))  # type: ignore[arg-type]
    oldest = await _titles(blog, PostQuery(sort=Sort("publishedAt"), **everything))  # type: ignore[arg-type]
    created = await _titles(blog, PostQuery(sort=Sort("createdAt"), **everything))  # type: ignore[arg-type]

    assert by_title == ["Apple", "banana", "cherry"]
    assert newest == ["Apple", "banana", "cherry"]
    assert oldest == ["banana", "Apple", "cherry"]
    assert created == ["cherry", "banana", "Apple"]


# --- search ----------------------------------------------------------------------------------


async def test_search_stems_words(stemming_blog: UnitOfWorkFactory) -> None:
    await _add(
        stemming_blog,
        make_post("Morning routine", "She runs every day before work."),
        make_post("Cooking", "Boil the pasta."),
    )

    assert await _titles(stemming_blog, _search("running")) == ["Morning routine"]
    assert await _titles(stemming_blog, _search("RUN")) == ["Morning routine"]


async def test_like_search_finds_words_inside_others(sql_blog: UnitOfWorkFactory) -> None:
    if sql_blog.backend != "sqlite-like":
        # The LIKE fallback's own behaviour; the other backends match whole (stemmed) words.
        assert sql_blog.engine is not None
        async with sql_blog.engine.connect() as conn:
            assert await search_mode(conn) is not SearchMode.LIKE
        return
    async with sql_blog.engine.connect() as conn:  # type: ignore[union-attr]
        assert await search_mode(conn) is SearchMode.LIKE
    await _add(sql_blog, make_post("Morning routine", "She was running late."))

    assert await _titles(sql_blog, _search("run")) == ["Morning routine"]
    assert await _titles(sql_blog, _search("runs")) == []


async def test_every_word_must_match(blog: UnitOfWorkFactory) -> None:
    await _add(
        blog,
        make_post("Green tea", "A cup of green tea."),
        make_post("Black coffee", "A cup of black coffee."),
    )

    assert await _titles(blog, _search("green cup")) == ["Green tea"]
    assert await _titles(blog, _search("green coffee")) == []


async def test_a_title_match_ranks_above_a_content_match(blog: UnitOfWorkFactory) -> None:
    # The content match is the newest, so only the ranking puts the title match first.
    in_title = make_post("Volcano facts", "Mountains of fire.", minutes=1)
    in_content = make_post("Geology notes", "A volcano is a mountain.", minutes=2)
    await _add(blog, in_title, in_content)

    assert await _titles(blog, _search("volcano")) == ["Volcano facts", "Geology notes"]
    # An explicit sort wins over relevance.
    newest = _search("volcano", sort=Sort("publishedAt", True))
    assert await _titles(blog, newest) == ["Geology notes", "Volcano facts"]


HOSTILE = [
    '"',
    "'",
    '"unclosed',
    "a\"b'c",
    "*",
    "vol*",
    "NEAR(volcano fire)",
    "volcano OR fire",
    "volcano AND",
    "-volcano",
    "title:volcano",
    "(volcano",
    "volcano)",
    "{title content}: volcano",
    "^volcano",
    "volcano\x00fire",
    "100%",
    "a_c",
    "\\",
    "!!!",
    ":",
    "   ",
    "\ud800",
    "x" * 5000,
]


@pytest.mark.parametrize("words", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_search_words_are_words_not_syntax(
    blog: UnitOfWorkFactory, words: str
) -> None:
    await _add(
        blog,
        make_post("Volcano facts", "Mountains of fire."),
        make_post("Draft volcano", "fire", published=False),
    )

    titles = await _titles(blog, _search(words))

    assert "Draft volcano" not in titles
    assert set(titles) <= {"Volcano facts"}


async def test_like_wildcards_in_words_are_literal(blog: UnitOfWorkFactory) -> None:
    await _add(
        blog,
        make_post("Sale", "Everything 50% off today."),
        make_post("Offers", "Over 500 offers."),
        make_post("Snake", "the value a_c matters"),
        make_post("Plain", "the value abc matters"),
    )

    assert await _titles(blog, _search("50%")) == ["Sale"]
    assert await _titles(blog, _search("a_c")) == ["Snake"]


async def test_operators_typed_by_a_user_are_plain_words(blog: UnitOfWorkFactory) -> None:
    await _add(
        blog,
        make_post("Volcano facts", "Mountains of fire."),
        make_post("Rivers", "Water flows."),
    )

    # Unquoted, FTS5 would read OR as "either" and find both posts.
    assert await _titles(blog, _search("volcano or water")) == []
    assert await _titles(blog, _search("title:water")) == []
    assert await _titles(blog, _search("(fire)")) == ["Volcano facts"]


# --- statements ------------------------------------------------------------------------------


@pytest.mark.parametrize("search", [None, "common"])
async def test_a_list_costs_the_same_statements_whatever_its_page_size(
    sql_blog: UnitOfWorkFactory, search: str | None
) -> None:
    await _add(
        sql_blog,
        *(make_post(f"Post {n}", "common word", tags=("a", f"t{n}")) for n in range(30)),
    )
    counts = []
    for limit in (1, 5, 30):
        query = PostQuery(search=search, page=PageRequest(limit=limit))
        async with sql_blog.read_only() as uow:
            await uow.posts.list(query)  # the first call may find out the search mode
        async with count_statements(sql_blog) as counter, sql_blog.read_only() as uow:
            page = await uow.posts.list(query)
        assert len(page.items) == limit and all(len(p.tags) == 2 for p in page.items)
        counts.append(counter.count)

    # A search's page carries its total; a plain list counts in a statement of its own.
    expected = 3 if search is None else 2
    assert counts == [expected] * 3


async def test_the_search_index_follows_edits_and_deletes(blog: UnitOfWorkFactory) -> None:
    post, other = make_post("Volcano facts", "Mountains of fire."), make_post("Rivers", "Water.")
    await _add(blog, post, other)

    async with blog() as uow:
        await uow.posts.update(post.edited(T0, title="Glacier facts", content="Ice."), 1)
        await uow.commit()
    assert await _titles(blog, _search("volcano")) == []
    assert await _titles(blog, _search("glacier ice")) == ["Glacier facts"]

    async with blog() as uow:
        await uow.posts.delete(post.id)
        await uow.commit()
    assert await _titles(blog, _search("glacier")) == []
    assert await _titles(blog, _search("water")) == ["Rivers"]


async def test_publishing_a_draft_makes_it_searchable(blog: UnitOfWorkFactory) -> None:
    draft = make_post("Volcano draft", published=False)
    await _add(blog, draft)
    assert await _titles(blog, _search("volcano")) == []

    async with blog() as uow:
        await uow.posts.update(draft.edited(T0, published=True), 1)
        await uow.commit()

    assert await _titles(blog, _search("volcano")) == ["Volcano draft"]


async def test_the_latest_published_are_newest_first(blog: UnitOfWorkFactory) -> None:
    await _add(
        blog,
        make_post("Old", minutes=1),
        make_post("New", minutes=3, tags=("t",)),
        make_post("Middle", minutes=2),
        make_post("Draft", published=False, minutes=4),
    )

    async with blog.read_only() as uow:
        latest = await uow.posts.latest_published(2)

    assert [(p.title, p.tags) for p in latest] == [("New", ("t",)), ("Middle", ())]


# --- keyset paging and bounded counts ----------------------------------------------------------


def _mixed_posts() -> list[Post]:
    """Published posts, drafts never published (no date) and drafts unpublished again (still
    dated), by two authors, with shared titles (differing in case), shared creation times and
    shared publication times: every tie-breaker (creation time, then id) has work to do."""
    made = []
    for n in range(16):
        created = T0 + timedelta(minutes=n // 3)
        post = make_post(
            ("Alpha", "alpha", "Beta", "gamma")[n % 4],
            published=n % 4 != 1,
            author_id=AUTHOR if n % 5 else OTHER,
        )
        published_at = T0 + timedelta(hours=1, minutes=n // 4) if n % 4 != 1 else None
        if n % 8 == 3:  # published once, a draft again: it keeps its date
            post = replace(post, published=False)
        made.append(replace(post, created_at=created, published_at=published_at))
    return made


async def _walk_posts(blog: UnitOfWorkFactory, query: PostQuery) -> list[list[UUID]]:
    """Every page by cursor, from the first to the one without a next cursor."""
    pages: list[list[UUID]] = []
    request = replace(query.page, page=1)
    async with blog.read_only() as uow:
        while True:
            found = await uow.posts.list(replace(query, page=request))
            pages.append([p.id for p in found.items])
            assert found.page == (1 if len(pages) == 1 else None)
            if found.next_cursor is None:
                return pages
            assert len(pages) < 20, "the cursor walk does not end"
            cursor = Cursor.decode(found.next_cursor)
            request = PageRequest(limit=request.limit, cursor=cursor)


async def _by_number(blog: UnitOfWorkFactory, query: PostQuery) -> list[list[UUID]]:
    pages: list[list[UUID]] = []
    async with blog.read_only() as uow:
        for n in range(1, 20):
            found = await uow.posts.list(replace(query, page=PageRequest(n, query.page.limit)))
            if not found.items:
                return pages
            pages.append([p.id for p in found.items])
    return pages


@pytest.mark.parametrize(
    "sort",
    [
        Sort(field, descending)
        for field in ("publishedAt", "createdAt", "title")
        for descending in (False, True)
    ]
    + [None],
    ids=lambda sort: "unsorted" if sort is None else ("-" if sort.descending else "") + sort.field,
)
@pytest.mark.parametrize(
    "shown",
    [
        {"published": None},  # published and drafts mixed
        {"published": None, "author_id": AUTHOR},  # "mine": an author's own, drafts included
        {"published": True},
        {"published": False},
    ],
    ids=["all", "mine", "published", "drafts"],
)
async def test_a_cursor_walk_sees_what_page_numbers_see(
    blog: UnitOfWorkFactory, sort: Sort | None, shown: dict[str, object]
) -> None:
    posts = {post.id: post for post in _mixed_posts()}
    await _add(blog, *posts.values())
    query = PostQuery(sort=sort, page=PageRequest(limit=3), **shown)  # type: ignore[arg-type]

    by_number = await _by_number(blog, query)

    assert await _walk_posts(blog, query) == by_number
    listed = [posts[i] for page in by_number for i in page]
    assert len({p.id for p in listed}) == len(listed)
    if sort is None or sort.field == "publishedAt":
        undated = [p.published_at is None for p in listed]
        assert undated == sorted(undated), "posts without a date come last"


async def test_a_cursor_after_a_draft_shows_no_published_list_any_draft(
    blog: UnitOfWorkFactory,
) -> None:
    posts = _mixed_posts()
    await _add(blog, *posts)
    newest = Sort("publishedAt", True)
    async with blog.read_only() as uow:
        mine = await uow.posts.list(PostQuery(published=None, sort=newest, page=PageRequest(1, 13)))
    assert mine.next_cursor is not None
    after_a_draft = Cursor.decode(mine.next_cursor)
    assert after_a_draft.value[0] == 1  # type: ignore[index]  # the 13th post has no date

    async with blog.read_only() as uow:
        public = await uow.posts.list(
            PostQuery(published=True, sort=newest, page=PageRequest(limit=20, cursor=after_a_draft))
        )
        drafts = await uow.posts.list(
            PostQuery(published=None, sort=newest, page=PageRequest(limit=20, cursor=after_a_draft))
        )

    published = sum(p.published for p in posts)
    assert public.items == [] and public.total == published
    assert [p.published_at for p in drafts.items] == [None] * len(drafts.items)
    assert len(drafts.items) == len(posts) - 13


async def test_a_post_cursor_still_works_when_its_post_is_gone(blog: UnitOfWorkFactory) -> None:
    made = [make_post(f"P{n}", minutes=n) for n in range(4)]
    await _add(blog, *made)
    async with blog() as uow:
        first = await uow.posts.list(PostQuery(page=PageRequest(limit=2)))
        await uow.posts.delete(made[2].id)
        await uow.commit()
    assert first.next_cursor is not None

    cursor = Cursor.decode(first.next_cursor)
    after = await _titles(blog, PostQuery(page=PageRequest(limit=2, cursor=cursor)))

    assert [p.title for p in first.items] == ["P3", "P2"]
    assert after == ["P1", "P0"]


async def test_a_search_page_has_no_next_cursor_and_a_bounded_total(
    blog: UnitOfWorkFactory,
) -> None:
    await _add(blog, *(make_post(f"Post {n}", "common word") for n in range(5)))

    async with blog.read_only() as uow:
        ranked = await uow.posts.list(_search("common", page=PageRequest(limit=2)))
        sorted_ = await uow.posts.list(
            _search("common", sort=Sort("title"), page=PageRequest(limit=2, count_limit=3))
        )

    assert (ranked.next_cursor, ranked.total, ranked.total_exact, ranked.page) == (None, 5, True, 1)
    assert (sorted_.next_cursor, sorted_.total, sorted_.total_exact) == (None, 3, False)
    assert len(sorted_.items) == 2


async def test_a_search_ranks_and_counts_at_most_the_match_limit(
    blog: UnitOfWorkFactory,
) -> None:
    # One match more than the bound: the total stops at it, flagged as a lower bound, and
    # the title match among them still comes first (the bound takes the first matches found,
    # and the one post holding the word in its title is the first added).
    best = make_post("Lantern", "lantern")
    others = [make_post(f"Post {n}", "a lantern here") for n in range(SEARCH_MATCH_LIMIT)]
    await _add(blog, best, *others)

    async with blog.read_only() as uow:
        page = await uow.posts.list(_search("lantern", page=PageRequest(limit=5)))
        last = await uow.posts.list(
            _search("lantern", page=PageRequest(page=SEARCH_MATCH_LIMIT // 5 + 1, limit=5))
        )

    assert (page.total, page.total_exact) == (SEARCH_MATCH_LIMIT, False)
    assert page.items[0].title == "Lantern"
    assert last.items == []


async def test_post_totals_beyond_the_count_limit_are_a_flagged_lower_bound(
    blog: UnitOfWorkFactory,
) -> None:
    await _add(blog, *(make_post(f"P{n}") for n in range(5)), make_post("D", published=False))

    async with blog.read_only() as uow:
        bounded = await uow.posts.list(PostQuery(page=PageRequest(limit=2, count_limit=3)))
        exact = await uow.posts.list(PostQuery(page=PageRequest(limit=2, count_limit=5)))

    assert (bounded.total, bounded.total_exact, len(bounded.items)) == (3, False, 2)
    assert (exact.total, exact.total_exact) == (5, True)


@pytest.mark.parametrize("published", [True, None], ids=["published", "with-drafts"])
async def test_a_cursor_page_runs_the_same_statements_as_a_first_page(
    sql_blog: UnitOfWorkFactory, published: bool | None
) -> None:
    await _add(sql_blog, *(make_post(f"P{n}", tags=("t",), minutes=n) for n in range(30)))
    query = PostQuery(published=published, page=PageRequest(limit=10))
    async with sql_blog.read_only() as uow:
        first = await uow.posts.list(query)
    assert first.next_cursor is not None
    cursor = Cursor.decode(first.next_cursor)

    async with count_statements(sql_blog) as counter, sql_blog.read_only() as uow:
        deeper = await uow.posts.list(replace(query, page=PageRequest(limit=10, cursor=cursor)))

    assert [p.title for p in deeper.items] == [f"P{n}" for n in range(19, 9, -1)]
    assert all(p.tags == ("t",) for p in deeper.items)
    assert counter.count == 3
