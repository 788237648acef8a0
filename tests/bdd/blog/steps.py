"""Steps of the blog features: writing, reading, editing, commenting, tags and the feed."""

from __future__ import annotations

import re
from typing import Any

from pytest_bdd import given, parsers, step, then, when

from tests.bdd.accounts.steps import ACTOR
from tests.bdd.accounts.world import AccountsWorld
from tests.bdd.blog.driver import PostFilters
from tests.bdd.blog.world import BlogWorld
from tests.bdd.shared.context import World
from tests.bdd.shared.outcome import Outcome

TITLE = r'"(?P<title>[^"]*)"'
TAGGED = r'(?: tagged "(?P<tags>[^"]*)")?'
SAYING = r'(?: saying "(?P<content>[^"]*)")?'
COMMENT = r'"(?P<comment>[^"]*)"'
DEFAULT_CONTENT = "Some words about it."


def _tags(raw: str | None) -> list[str]:
    return [t for t in (raw or "").split(",") if t.strip()] if raw else []


def _quoted(text: str) -> list[str]:
    return re.findall(r'"([^"]*)"', text)


def _author_id(accounts: AccountsWorld, actor: str) -> str:
    email = accounts.person(actor)
    assert email, "an anonymous visitor writes nothing"
    return accounts.user_id(email)


def _remember(blog: BlogWorld, outcome: Outcome) -> None:
    if outcome.ok and outcome.data:
        post = outcome.data.get("post", outcome.data)
        if "slug" in post:
            blog.posts[post["title"]] = post["id"]
            blog.slugs[post["title"]] = post["slug"]


def _post(world: World) -> dict[str, Any]:
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    data = outcome.data
    assert "movedTo" not in data, f"the post moved to {data['movedTo']}"
    return dict(data.get("post", data))


# --- the blog as it is (Given) ----------------------------------------------------------------


@given(parsers.re(rf"{ACTOR} has published a post {TITLE}{TAGGED}{SAYING}"))
def has_published(
    accounts: AccountsWorld,
    blog: BlogWorld,
    actor: str,
    title: str,
    tags: str | None,
    content: str | None,
) -> None:
    """A published post by this person."""
    author = _author_id(accounts, actor)
    data = blog.driver.seed_post(
        author, title, content or DEFAULT_CONTENT, tuple(_tags(tags)), published=True
    )
    blog.posts[title], blog.slugs[title] = data["id"], data["slug"]


@given(parsers.re(rf"{ACTOR} has a draft {TITLE}{TAGGED}{SAYING}"))
def has_draft(
    accounts: AccountsWorld,
    blog: BlogWorld,
    actor: str,
    title: str,
    tags: str | None,
    content: str | None,
) -> None:
    """An unpublished post by this person."""
    author = _author_id(accounts, actor)
    data = blog.driver.seed_post(
        author, title, content or DEFAULT_CONTENT, tuple(_tags(tags)), published=False
    )
    blog.posts[title], blog.slugs[title] = data["id"], data["slug"]


@given(parsers.re(rf"{ACTOR} has commented {COMMENT} on {TITLE}"))
def has_commented(
    accounts: AccountsWorld, blog: BlogWorld, actor: str, comment: str, title: str
) -> None:
    """A comment by this person on a published post."""
    author = _author_id(accounts, actor)
    blog.comments[comment] = blog.driver.seed_comment(author, blog.post_id(title), comment)


# --- writing and editing (When) -------------------------------------------------------------


@when(parsers.re(rf"{ACTOR} writes a post {TITLE}{TAGGED}(?P<publish> and publishes it)?"))
def writes_post(
    world: World,
    accounts: AccountsWorld,
    blog: BlogWorld,
    actor: str,
    title: str,
    tags: str | None,
    publish: str | None,
) -> None:
    """Write a post, a draft unless published at once."""
    fields: dict[str, Any] = {"title": title, "content": DEFAULT_CONTENT}
    if tags is not None:
        fields["tags"] = [t.strip() for t in tags.split(",")]
    if publish:
        fields["published"] = True
    _remember(blog, world.record(blog.driver.write_post(accounts.access(actor), fields)))


@when(parsers.re(rf"{ACTOR} writes a post {TITLE} with (?P<count>\d+) different tags"))
def writes_many_tags(
    world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str, title: str, count: str
) -> None:
    """Write a post with this many distinct tags."""
    fields = {"title": title, "content": DEFAULT_CONTENT}
    fields_tags = [f"tag{i}" for i in range(int(count))]
    outcome = blog.driver.write_post(accounts.access(actor), {**fields, "tags": fields_tags})
    _remember(blog, world.record(outcome))


@step(parsers.re(rf"{ACTOR} (?:reads|has read) the post {TITLE}"))
def reads_post(
    world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str, title: str
) -> None:
    """Read a post at the slug it was written with; remember the version read."""
    outcome = world.record(blog.driver.read_post(accounts.access(actor), blog.slugs[title]))
    if outcome.ok and "etag" in outcome.data:
        blog.read_versions[(accounts.person(actor), title)] = outcome.data["etag"]


@when(parsers.re(rf'{ACTOR} opens the address "(?P<slug>[^"]+)"'))
def opens_slug(
    world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str, slug: str
) -> None:
    """Read whatever answers at this slug."""
    world.record(blog.driver.read_post(accounts.access(actor), slug))


def _edit(
    world: World,
    accounts: AccountsWorld,
    blog: BlogWorld,
    actor: str,
    title: str,
    changes: dict[str, Any],
    etag: str | None = None,
) -> None:
    outcome = blog.driver.edit_post(accounts.access(actor), blog.post_id(title), changes, etag)
    world.record(outcome)
    if outcome.ok:
        blog.posts[outcome.data["post"]["title"]] = outcome.data["post"]["id"]
        blog.slugs[outcome.data["post"]["title"]] = outcome.data["post"]["slug"]


@when(parsers.re(rf"{ACTOR} publishes {TITLE}"))
def publishes(
    world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str, title: str
) -> None:
    """Publish a draft."""
    _edit(world, accounts, blog, actor, title, {"published": True})


@step(
    parsers.re(
        rf'{ACTOR} retitles {TITLE} to "(?P<new>[^"]*)"'
        r"(?P<stale> from the version (?:she|he|they) read)?"
    )
)
def retitles(
    world: World,
    accounts: AccountsWorld,
    blog: BlogWorld,
    actor: str,
    title: str,
    new: str,
    stale: str | None,
) -> None:
    """Change the title; with "from the version she read" only if unchanged since."""
    etag = blog.read_versions[(accounts.person(actor), title)] if stale else None
    _edit(world, accounts, blog, actor, title, {"title": new}, etag)


@when(parsers.re(rf'{ACTOR} moves {TITLE} to the address "(?P<slug>[^"]*)"'))
def changes_slug(
    world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str, title: str, slug: str
) -> None:
    """Give the post a new slug."""
    _edit(world, accounts, blog, actor, title, {"slug": slug})


@when(parsers.re(rf"{ACTOR} deletes the post {TITLE}"))
def deletes_post(
    world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str, title: str
) -> None:
    """Delete a post."""
    world.record(blog.driver.delete_post(accounts.access(actor), blog.post_id(title)))


# --- lists and search (When) ----------------------------------------------------------------


@when(parsers.re(rf'{ACTOR} lists the posts(?: tagged "(?P<tag>[^"]*)")?'))
def lists_posts(
    world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str, tag: str | None
) -> None:
    """The public post list, maybe narrowed to a tag."""
    world.record(blog.driver.list_posts(accounts.access(actor), PostFilters(tag=tag)))


@when(parsers.re(rf'{ACTOR} searches the posts for "(?P<words>[^"]*)"'))
def searches(
    world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str, words: str
) -> None:
    """Full-text search over published posts."""
    world.record(blog.driver.list_posts(accounts.access(actor), PostFilters(search=words)))


@when(parsers.re(rf"{ACTOR} lists (?:her|his|their) own posts"))
def lists_own(world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str) -> None:
    """The caller's posts, drafts included."""
    world.record(blog.driver.list_posts(accounts.access(actor), PostFilters(mine=True)))


@when(parsers.re(rf"{ACTOR} lists the drafts"))
def lists_drafts(world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str) -> None:
    """Every draft (staff only)."""
    world.record(blog.driver.list_posts(accounts.access(actor), PostFilters(published=False)))


@when(parsers.re(rf"{ACTOR} looks at the tags"))
def looks_at_tags(world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str) -> None:
    """The tags of published posts with their counts."""
    world.record(blog.driver.list_tags(accounts.access(actor)))


@when(parsers.re(rf"{ACTOR} reads the feed"))
def reads_feed(world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str) -> None:
    """The Atom feed."""
    world.record(blog.driver.feed_titles(accounts.access(actor)))


# --- comments (When) ------------------------------------------------------------------------


@when(parsers.re(rf"{ACTOR} comments {COMMENT} on {TITLE}"))
def comments_on(
    world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str, comment: str, title: str
) -> None:
    """Comment on a post."""
    outcome = world.record(
        blog.driver.comment(accounts.access(actor), blog.post_id(title), comment)
    )
    if outcome.ok:
        blog.comments[comment] = outcome.data["id"]


@when(parsers.re(rf"{ACTOR} comments (?P<length>\d+) characters on {TITLE}"))
def comments_long(
    world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str, length: str, title: str
) -> None:
    """Comment with a text of this length."""
    text = "x" * int(length)
    world.record(blog.driver.comment(accounts.access(actor), blog.post_id(title), text))


@when(parsers.re(rf"{ACTOR} comments (?P<times>\d+) times on {TITLE}"))
def comments_many(
    world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str, times: str, title: str
) -> None:
    """Comment again and again; the last outcome is kept."""
    for i in range(int(times)):
        text = f"Comment number {i + 1}"
        world.record(blog.driver.comment(accounts.access(actor), blog.post_id(title), text))


@when(parsers.re(rf"{ACTOR} reads the comments on {TITLE}"))
def reads_comments(
    world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str, title: str
) -> None:
    """A post's comments, oldest first."""
    world.record(blog.driver.list_comments(accounts.access(actor), blog.post_id(title)))


@when(parsers.re(rf"{ACTOR} deletes the comment {COMMENT}"))
def deletes_comment(
    world: World, accounts: AccountsWorld, blog: BlogWorld, actor: str, comment: str
) -> None:
    """Delete a comment."""
    world.record(blog.driver.delete_comment(accounts.access(actor), blog.comment_id(comment)))


# --- what they see (Then) -------------------------------------------------------------------


@then(parsers.re(r'the post is at the address "(?P<slug>[^"]*)"'))
def post_slug_is(world: World, slug: str) -> None:
    """The post's slug."""
    assert _post(world)["slug"] == slug, _post(world)


@then(parsers.re(r'the post is titled "(?P<title>[^"]*)"'))
def post_title_is(world: World, title: str) -> None:
    """The post's title."""
    assert _post(world)["title"] == title, _post(world)


@then(parsers.re(r"the post is (?P<state>published|a draft)"))
def post_state_is(world: World, state: str) -> None:
    """Whether the post is published (with a publication date) or a draft."""
    post = _post(world)
    assert post["published"] is (state == "published"), post
    assert (post["publishedAt"] is not None) is (state == "published"), post


@then(parsers.re(r"the post is tagged (?P<tags>.+)"))
def post_tags_are(world: World, tags: str) -> None:
    """The post's tags, in order."""
    assert _post(world)["tags"] == _quoted(tags), _post(world)


@then(parsers.re(r"the post counts (?P<count>\d+) comments?"))
def post_comment_count(world: World, count: str) -> None:
    """How many comments the post shows."""
    assert _post(world)["commentCount"] == int(count), _post(world)


@then(parsers.re(r'(?:she|he|they) (?:is|are) sent on to "(?P<slug>[^"]*)"'))
def sent_on(world: World, slug: str) -> None:
    """An old slug answered with where the post moved."""
    outcome = world.outcome()
    assert outcome.ok and outcome.data.get("movedTo") == slug, outcome.describe()


@then(parsers.re(r"the listed posts are (?P<titles>.+)"))
def listed_posts(world: World, titles: str) -> None:
    """The page holds exactly these posts, in this order (`none` for an empty page)."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    listed = [p["title"] for p in outcome.data["data"]]
    assert listed == _quoted(titles), f"expected {_quoted(titles)}, listed {listed}"


@then(parsers.re(r"the comments shown are (?P<comments>.+)"))
def comments_shown(world: World, comments: str) -> None:
    """The page of comments holds exactly these, oldest first (`none` for an empty page)."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    shown = [c["content"] for c in outcome.data["data"]]
    assert shown == _quoted(comments), f"expected {_quoted(comments)}, shown {shown}"


@then(parsers.re(r"the tags counted are (?P<tags>.+)"))
def tags_counted(world: World, tags: str) -> None:
    """Tags and counts, most used first: `"news" 2, "python" 1` (`none` when there are none)."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    expected = [(name, int(n)) for name, n in re.findall(r'"([^"]*)" (\d+)', tags)]
    counted = [(t["name"], t["postCount"]) for t in outcome.data]
    assert counted == expected, f"expected {expected}, counted {counted}"


@then(parsers.re(r"the feed lists (?P<titles>.+)"))
def feed_lists(world: World, titles: str) -> None:
    """The feed's entries, newest first."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    assert outcome.data == _quoted(titles), f"expected {_quoted(titles)}, got {outcome.data}"
