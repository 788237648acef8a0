"""The blog over HTTP on SQLite: who sees a draft on every route, caching (ETag, 304,
Cache-Control), If-Match and 412, 301 for old slugs, and the Atom feed."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from application.shared.paging import Cursor
from domain.accounts import Role
from entrypoints.containers import Container
from tests.integration.conftest import API, Client, assert_error_body, bearer
from tests.integration.media_helpers import sign_up

ATOM = "{http://www.w3.org/2005/Atom}"
WHO = ("anonymous", "bob", "ana", "eve", "root")  # other user, author, editor, admin
SEES_DRAFTS = {"ana", "eve", "root"}


class Blog:
    """The app with Ana's published post and draft; Bob, an editor and an admin signed in."""

    client: Client
    tokens: dict[str, str]
    published: dict[str, Any]
    draft: dict[str, Any]

    def auth(self, who: str) -> dict[str, str]:
        """The Authorization header of someone (none when anonymous)."""
        return bearer(self.tokens[who]) if who in self.tokens else {}

    async def send(self, method: str, path: str, who: str, **kwargs: Any) -> Any:
        """One request as someone."""
        headers = {**self.auth(who), **kwargs.pop("headers", {})}
        return await self.client.request(method, API + path, headers=headers, **kwargs)


@pytest.fixture
async def blog(container: Container, client: Client) -> AsyncIterator[Blog]:
    """Ana's two posts, one published with a comment by Bob, one a draft."""
    built = Blog()
    built.client = client
    built.tokens = {
        "ana": await sign_up(container, client, "ana@example.com"),
        "bob": await sign_up(container, client, "bob@example.com"),
        "eve": await sign_up(container, client, "eve@example.com", Role.EDITOR),
        "root": await sign_up(container, client, "root@example.com", Role.ADMIN),
    }
    out = await built.send(
        "POST",
        "/posts",
        "ana",
        json={
            "title": "Out now",
            "content": "Hello <world> & co",
            "tags": ["News"],
            "published": True,
        },
    )
    assert out.status_code == 201, out.text
    built.published = out.json()
    draft = await built.send(
        "POST", "/posts", "ana", json={"title": "Secret plans", "content": "x", "tags": ["hidden"]}
    )
    assert draft.status_code == 201, draft.text
    built.draft = draft.json()
    comment = await built.send(
        "POST", f"/posts/{built.published['id']}/comments", "bob", json={"content": "Nice"}
    )
    assert comment.status_code == 201, comment.text
    yield built


# --- draft visibility: every route x every kind of caller ----------------------------------


@pytest.mark.parametrize("who", WHO)
async def test_a_draft_by_slug_is_seen_by_its_author_editors_and_admins_only(
    blog: Blog, who: str
) -> None:
    response = await blog.send("GET", f"/posts/{blog.draft['slug']}", who)

    assert response.status_code == (200 if who in SEES_DRAFTS else 404)


@pytest.mark.parametrize("who", WHO)
async def test_drafts_are_in_no_public_list_search_tag_count_or_feed(blog: Blog, who: str) -> None:
    listed = await blog.send("GET", "/posts", who)
    searched = await blog.send("GET", "/posts", who, params={"search": "secret"})
    tagged = await blog.send("GET", "/posts", who, params={"tag": "hidden"})
    tags = await blog.send("GET", "/tags", who)
    feed = await blog.send("GET", "/posts/feed.xml", who)

    assert [p["title"] for p in listed.json()["data"]] == ["Out now"]
    assert searched.json()["data"] == [] and tagged.json()["data"] == []
    assert tags.json() == [{"name": "news", "postCount": 1}]
    assert b"Secret plans" not in feed.content


@pytest.mark.parametrize("who", WHO)
async def test_a_drafts_comments_are_hidden_from_everyone(blog: Blog, who: str) -> None:
    path = f"/posts/{blog.draft['id']}/comments"
    listed = await blog.send("GET", path, who)
    added = await blog.send("POST", path, who, json={"content": "Early"})

    assert listed.status_code == 404
    assert added.status_code == (401 if who == "anonymous" else 404)


@pytest.mark.parametrize("who", WHO)
async def test_editing_a_draft(blog: Blog, who: str) -> None:
    response = await blog.send("PATCH", f"/posts/{blog.draft['id']}", who, json={"title": "T"})

    expected = {"anonymous": 401, "bob": 404}.get(who, 200)
    assert response.status_code == expected, response.text


@pytest.mark.parametrize("who", WHO)
async def test_deleting_a_draft(blog: Blog, who: str) -> None:
    response = await blog.send("DELETE", f"/posts/{blog.draft['id']}", who)

    expected = {"anonymous": 401, "bob": 404, "eve": 403}.get(who, 204)
    assert response.status_code == expected, response.text


@pytest.mark.parametrize("who", WHO)
async def test_listing_drafts_and_ones_own(blog: Blog, who: str) -> None:
    drafts = await blog.send("GET", "/posts", who, params={"published": "false"})
    mine = await blog.send("GET", "/posts", who, params={"mine": "true"})

    expected = 200 if who in ("eve", "root") else (401 if who == "anonymous" else 403)
    assert drafts.status_code == expected, drafts.text
    if expected == 200:
        assert [p["title"] for p in drafts.json()["data"]] == ["Secret plans"]
    assert mine.status_code == (401 if who == "anonymous" else 200)
    if who == "ana":
        assert {p["title"] for p in mine.json()["data"]} == {"Out now", "Secret plans"}
    elif who != "anonymous":
        assert mine.json()["data"] == []


# --- caching ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/posts", "/posts/out-now", "/tags", "/posts/feed.xml"], ids=lambda p: p
)
async def test_public_reads_send_a_strong_etag_of_the_body_and_answer_304(
    blog: Blog, path: str
) -> None:
    first = await blog.send("GET", path, "anonymous")
    etag = first.headers["etag"]
    again = await blog.send("GET", path, "anonymous", headers={"If-None-Match": etag})

    assert etag == f'"{hashlib.sha256(first.content).hexdigest()}"'
    assert first.headers["cache-control"] == "public, max-age=60"
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag


async def test_signed_in_reads_are_private_and_never_stored(blog: Blog) -> None:
    for path in ("/posts", "/posts/out-now", "/tags", "/posts/feed.xml"):
        response = await blog.send("GET", path, "bob")
        assert response.headers["cache-control"] == "private, no-store", path


async def test_a_new_comment_changes_the_posts_etag(blog: Blog) -> None:
    before = (await blog.send("GET", "/posts/out-now", "anonymous")).headers["etag"]
    await blog.send("POST", f"/posts/{blog.published['id']}/comments", "bob", json={"content": "2"})
    after = await blog.send("GET", "/posts/out-now", "anonymous", headers={"If-None-Match": before})

    assert after.status_code == 200
    assert after.json()["commentCount"] == 2


# --- paging by cursor -------------------------------------------------------------------------


async def _walk(blog: Blog, path: str, query: str, who: str = "anonymous") -> list[Any]:
    """Every page from the first by following meta.nextCursor: (contents, meta) per page."""
    pages = []
    url = f"{path}?{query}"
    while url:
        response = await blog.send("GET", url, who)
        assert response.status_code == 200, response.text
        meta = response.json()["meta"]
        pages.append((response.json()["data"], meta))
        assert len(pages) < 20, "the cursor walk does not end"
        url = f"{path}?{query}&cursor={meta['nextCursor']}" if meta["nextCursor"] else ""
    return pages


async def _write(blog: Blog, who: str, title: str, published: bool = True) -> dict[str, Any]:
    body = {"title": title, "content": "c", "published": published}
    response = await blog.send("POST", "/posts", who, json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _titles_of(pages: list[Any]) -> list[list[str]]:
    return [[p["title"] for p in data] for data, _ in pages]


@pytest.mark.parametrize("sort", ["", "&sort=title", "&sort=-createdAt", "&sort=publishedAt"])
async def test_posts_page_by_cursor_as_by_page_number(blog: Blog, sort: str) -> None:
    for n in range(5):
        await _write(blog, "bob", f"Post {n % 3}")  # shared titles: creation time, id break ties

    walked = await _walk(blog, "/posts", f"limit=2{sort}")
    by_page = [
        [
            p["title"]
            for p in (await blog.send("GET", f"/posts?limit=2&page={n}{sort}", "bob")).json()[
                "data"
            ]
        ]
        for n in (1, 2, 3)
    ]

    assert _titles_of(walked) == by_page
    assert [meta["page"] for _, meta in walked] == [1, None, None]
    assert all((m["total"], m["totalExact"], m["totalPages"]) == (6, True, 3) for _, m in walked)
    assert walked[-1][1]["nextCursor"] is None


async def test_mine_pages_by_cursor_through_published_posts_then_drafts(blog: Blog) -> None:
    await _write(blog, "ana", "Second draft", published=False)
    await _write(blog, "ana", "Later news")
    once = await _write(blog, "ana", "Withdrawn")
    await blog.send("PATCH", f"/posts/{once['id']}", "ana", json={"published": False})

    for sort in ("", "&sort=publishedAt", "&sort=-publishedAt"):
        walked = await _walk(blog, "/posts", f"mine=true&limit=2{sort}", "ana")
        by_page = [
            [
                p["title"]
                for p in (
                    await blog.send("GET", f"/posts?mine=true&limit=2&page={n}{sort}", "ana")
                ).json()["data"]
            ]
            for n in (1, 2, 3)
        ]

        assert _titles_of(walked) == [page for page in by_page if page], sort
        titles = [t for page in by_page for t in page]
        # Never published: last whichever the direction, oldest created first only when
        # ascending. Withdrawn keeps its date, so it sorts among the published.
        never = ["Secret plans", "Second draft"]
        assert titles[-2:] == (never if sort == "&sort=publishedAt" else never[::-1]), sort
        assert len(titles) == 5


async def test_a_cursor_never_shows_a_reader_the_drafts_the_list_hides(blog: Blog) -> None:
    for n in range(3):
        await _write(blog, "ana", f"Draft {n}", published=False)
    await _write(blog, "bob", "Bob's news")
    # Ana's own list, newest published first: her last page ends among her drafts.
    mine = (await blog.send("GET", "/posts?mine=true&limit=2", "ana")).json()["meta"]
    second = await blog.send("GET", f"/posts?mine=true&limit=2&cursor={mine['nextCursor']}", "ana")
    among_drafts = second.json()["meta"]["nextCursor"]
    assert among_drafts is not None
    # Forged after her draft's very values: the cursor names where to start, nothing more.
    draft = blog.draft
    forged = Cursor(
        "publishedAt",
        True,
        (1, datetime.fromisoformat(draft["createdAt"]), datetime.fromisoformat(draft["createdAt"])),
        UUID(draft["id"]),
    ).encode()
    early = Cursor("publishedAt", True, (0, datetime.now(UTC), datetime.now(UTC)), uuid4())

    for who in ("anonymous", "bob"):
        for cursor in (mine["nextCursor"], among_drafts, forged, early.encode()):
            for extra in ("", f"&author={draft['author']['id']}"):
                response = await blog.send("GET", f"/posts?limit=50&cursor={cursor}{extra}", who)

                assert response.status_code == 200, response.text
                titles = [p["title"] for p in response.json()["data"]]
                assert not any(t.startswith(("Draft", "Secret")) for t in titles), (who, titles)
                assert response.json()["meta"]["total"] == (2 if not extra else 1)
    # Bob's own list with Ana's cursor: his posts, never hers.
    bobs = await blog.send("GET", f"/posts?mine=true&cursor={early.encode()}", "bob")
    assert [p["title"] for p in bobs.json()["data"]] == ["Bob's news"]


async def test_a_forged_or_misused_post_cursor_is_400_on_cursor(blog: Blog) -> None:
    await _write(blog, "bob", "Second post")
    cursor = (await blog.send("GET", "/posts?limit=1", "anonymous")).json()["meta"]["nextCursor"]
    by_title = (await blog.send("GET", "/posts?limit=1&sort=title", "anonymous")).json()["meta"]
    # The right sort, a flat timestamp where (flag, date, creation date) belong.
    flat = Cursor("publishedAt", True, datetime.now(UTC), uuid4()).encode()
    cases = [
        "cursor=WyJ0aXRsZSIsMCwidiIsIlx1MDAwMCIsIjEiXQ",  # ["title",0,"v","\u0000","1"]
        "cursor=%00",
        "cursor=" + "A" * 2000,
        f"cursor={cursor}&page=2",
        f"cursor={cursor}&sort=publishedAt",
        f"cursor={cursor}&sort=title",
        f"cursor={by_title['nextCursor']}",
        f"cursor={flat}",
        f"cursor={cursor}&search=post",
        f"cursor={by_title['nextCursor']}&sort=title&search=post",
    ]
    for query in cases:
        response = await blog.send("GET", f"/posts?limit=1&{query}", "anonymous")

        body = assert_error_body(response, 400, "BadRequest")
        assert [e["field"] for e in body["errors"]] == ["cursor"], query
    after = await blog.send("GET", f"/posts?limit=1&cursor={cursor}", "anonymous")
    assert [p["title"] for p in after.json()["data"]] == ["Out now"]


async def test_a_search_page_has_no_next_cursor(blog: Blog) -> None:
    for n in range(3):
        await _write(blog, "bob", f"Common {n}")

    first = await blog.send("GET", "/posts?limit=1&search=common", "anonymous")
    sorted_ = await blog.send("GET", "/posts?limit=1&search=common&sort=title", "anonymous")

    assert first.json()["meta"] == {
        "page": 1,
        "limit": 1,
        "total": 3,
        "totalPages": 3,
        "totalExact": True,
        "nextCursor": None,
    }
    assert sorted_.json()["meta"]["nextCursor"] is None


async def test_a_cursor_page_sends_an_etag_of_its_body_and_answers_304(blog: Blog) -> None:
    await _write(blog, "bob", "Second post")
    cursor = (await blog.send("GET", "/posts?limit=1", "anonymous")).json()["meta"]["nextCursor"]
    path = f"/posts?limit=1&cursor={cursor}"

    first = await blog.send("GET", path, "anonymous")
    again = await blog.send(
        "GET", path, "anonymous", headers={"If-None-Match": first.headers["etag"]}
    )
    signed_in = await blog.send("GET", path, "bob")

    assert first.headers["etag"] == f'"{hashlib.sha256(first.content).hexdigest()}"'
    assert first.headers["cache-control"] == "public, max-age=60"
    assert again.status_code == 304 and again.content == b""
    assert signed_in.headers["cache-control"] == "private, no-store"


async def test_comments_page_by_cursor_as_by_page_number(blog: Blog) -> None:
    path = f"/posts/{blog.published['id']}/comments"
    for who in ("ana", "bob", "eve", "root"):
        for n in range(2):
            body = {"content": f"{who} {n}"}
            assert (await blog.send("POST", path, who, json=body)).status_code == 201

    walked = await _walk(blog, path, "limit=2")
    by_page = [
        [
            c["content"]
            for c in (await blog.send("GET", f"{path}?limit=2&page={n}", "bob")).json()["data"]
        ]
        for n in range(1, 6)
    ]

    assert [[c["content"] for c in data] for data, _ in walked] == by_page
    assert [meta["page"] for _, meta in walked] == [1, None, None, None, None]
    assert all((m["total"], m["totalExact"], m["totalPages"]) == (9, True, 5) for _, m in walked)
    assert walked[-1][1]["nextCursor"] is None


async def test_a_comment_cursor_never_opens_another_posts_comments(blog: Blog) -> None:
    path = f"/posts/{blog.published['id']}/comments"
    await blog.send("POST", path, "eve", json={"content": "Second"})
    first = await blog.send("GET", f"{path}?limit=1", "anonymous")
    cursor = first.json()["meta"]["nextCursor"]
    other = await blog.send(
        "POST", "/posts", "bob", json={"title": "Other", "content": "c", "published": True}
    )
    body = {"content": "On other"}
    await blog.send("POST", f"/posts/{other.json()['id']}/comments", "root", json=body)

    # The draft's comments stay hidden, a cursor or not; another post's show only its own.
    drafts = await blog.send("GET", f"/posts/{blog.draft['id']}/comments?cursor={cursor}", "bob")
    others = await blog.send("GET", f"/posts/{other.json()['id']}/comments?cursor={cursor}", "bob")

    assert_error_body(drafts, 404, "NotFound")
    assert others.status_code == 200
    assert [c["content"] for c in others.json()["data"]] == ["On other"]
    assert others.json()["meta"]["total"] == 1


async def test_a_forged_or_misused_comment_cursor_is_400_on_cursor(blog: Blog) -> None:
    path = f"/posts/{blog.published['id']}/comments"
    await blog.send("POST", path, "eve", json={"content": "Second"})
    cursor = (await blog.send("GET", f"{path}?limit=1", "anonymous")).json()["meta"]["nextCursor"]
    # Cursors of other orders (the posts list's, newest first) mean nothing among comments.
    moment = datetime.now(UTC)
    newest = Cursor("createdAt", True, moment, uuid4()).encode()
    posts = Cursor("publishedAt", True, moment, uuid4()).encode()
    cases = [
        "cursor=WyJjcmVhdGVkQXQiLDAsInYiLDEsIjEiXQ",  # ["createdAt",0,"v",1,"1"]
        "cursor=%00",
        "cursor=" + "A" * 2000,
        f"cursor={cursor}&page=2",
        f"cursor={newest}",
        f"cursor={posts}",
    ]
    for query in cases:
        response = await blog.send("GET", f"{path}?limit=1&{query}", "anonymous")

        body = assert_error_body(response, 400, "BadRequest")
        assert [e["field"] for e in body["errors"]] == ["cursor"], query
    after = await blog.send("GET", f"{path}?limit=1&cursor={cursor}", "anonymous")
    assert [c["content"] for c in after.json()["data"]] == ["Second"]


# --- If-Match, slugs ---------------------------------------------------------------------------


async def test_patch_with_a_stale_etag_is_412_and_changes_nothing(blog: Blog) -> None:
    read = await blog.send("GET", "/posts/out-now", "ana")
    stale = read.headers["etag"]
    path = f"/posts/{blog.published['id']}"
    first = await blog.send("PATCH", path, "eve", json={"content": "edited"})
    refused = await blog.send(
        "PATCH", path, "ana", json={"title": "Mine"}, headers={"If-Match": stale}
    )

    assert first.status_code == 200
    assert refused.status_code == 412
    assert refused.json()["error"] == "PreconditionFailed"
    assert (await blog.send("GET", "/posts/out-now", "ana")).json()["title"] == "Out now"


async def test_patch_with_the_current_etag_applies_and_sends_the_new_one(blog: Blog) -> None:
    read = await blog.send("GET", "/posts/out-now", "ana")
    path = f"/posts/{blog.published['id']}"
    patched = await blog.send(
        "PATCH", path, "ana", json={"title": "New"}, headers={"If-Match": read.headers["etag"]}
    )
    now = await blog.send("GET", "/posts/out-now", "ana")

    assert patched.status_code == 200, patched.text
    assert patched.headers["etag"] == now.headers["etag"]
    assert patched.headers["etag"] == f'"{hashlib.sha256(patched.content).hexdigest()}"'


async def test_an_old_slug_is_a_301_to_the_new_one(blog: Blog) -> None:
    path = f"/posts/{blog.published['id']}"
    moved = await blog.send("PATCH", path, "ana", json={"slug": "fresh"})
    old = await blog.client.get(f"{API}/posts/out-now", follow_redirects=False)
    taken = await blog.send("PATCH", f"/posts/{blog.draft['id']}", "ana", json={"slug": "out-now"})

    assert moved.json()["slug"] == "fresh"
    assert old.status_code == 301
    assert old.headers["location"] == f"{API}/posts/fresh"
    assert taken.status_code == 409


async def test_a_taken_title_gets_a_numbered_slug(blog: Blog) -> None:
    again = await blog.send("POST", "/posts", "bob", json={"title": "Out now!", "content": "c"})

    assert again.status_code == 201
    assert again.json()["slug"] == "out-now-2"


# --- the feed ----------------------------------------------------------------------------------


async def test_the_feed_is_atom_with_escaped_text(blog: Blog) -> None:
    await blog.send(
        "POST", "/posts", "bob", json={"title": "<b>&\x01", "content": "c", "published": True}
    )
    response = await blog.send("GET", "/posts/feed.xml", "anonymous")

    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert titles == ["<b>&", "Out now"]
    summary = root.find(f"{ATOM}entry/{ATOM}summary")
    assert summary is not None and summary.text == "c"


async def test_the_feed_holds_the_20_latest(blog: Blog) -> None:
    for n in range(21):
        body = {"title": f"Post {n}", "content": "c", "published": True}
        assert (await blog.send("POST", "/posts", "bob", json=body)).status_code == 201
    root = ET.fromstring((await blog.send("GET", "/posts/feed.xml", "anonymous")).content)

    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert len(titles) == 20
    assert titles[0] == "Post 20" and "Out now" not in titles
