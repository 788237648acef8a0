"""The blog's rules: slugs, tags, excerpts, comment length, who may do what, and the memory
search's stemmer."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from adapters.memory.blog import stem
from domain.blog import (
    MAX_COMMENT,
    MAX_EXCERPT,
    MAX_SLUG_BASE,
    Comment,
    Post,
    Reader,
    check_comment,
    check_slug,
    excerpt_of,
    normalize_tags,
    numbered_slug,
    slugify,
)
from domain.errors import ValidationFailed

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Hello, World!", "hello-world"),
        ("Crème brûlée — à la carte", "creme-brulee-a-la-carte"),
        ("  --Spaces   and___symbols--  ", "spaces-and-symbols"),
        ("日本語", "post"),
        ("", "post"),
        ("ﬁne ligatures", "fine-ligatures"),
    ],
)
def test_slugs_are_lower_case_ascii_words(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_a_long_title_is_cut_at_a_word_boundary() -> None:
    slug = slugify("word " * 100)

    assert len(slug) <= MAX_SLUG_BASE
    assert not slug.endswith("-") and slug.split("-") == ["word"] * len(slug.split("-"))


def test_numbered_slugs_start_at_two() -> None:
    assert [numbered_slug("a", n) for n in (1, 2, 3)] == ["a", "a-2", "a-3"]


@pytest.mark.parametrize("slug", ["", "UPPER", "a--b", "-a", "a b", "é", "a" * 201])
def test_a_chosen_slug_must_be_words_joined_by_dashes(slug: str) -> None:
    with pytest.raises(ValidationFailed):
        check_slug(slug)


def test_tags_are_trimmed_lower_cased_and_kept_once_in_order() -> None:
    assert normalize_tags([" Python", "NEWS", "python", "news "]) == ("python", "news")


def test_at_most_ten_distinct_tags_each_of_1_to_50_characters() -> None:
    assert len(normalize_tags([f"t{i}" for i in range(10)] + ["t0"])) == 10
    for bad in ([f"t{i}" for i in range(11)], ["  "], ["x" * 51]):
        with pytest.raises(ValidationFailed) as refused:
            normalize_tags(bad)
        assert refused.value.errors[0].field == "tags"


def test_the_excerpt_is_the_start_cut_at_a_word() -> None:
    assert excerpt_of("short\n\ntext") == "short text"
    long = excerpt_of("lorem ipsum " * 100)
    assert len(long) <= MAX_EXCERPT and long.endswith("…") and not long.endswith(" …")


def test_comments_hold_1_to_5000_characters_not_only_blanks() -> None:
    assert check_comment("x" * MAX_COMMENT)
    for bad in ("", "  \n", "x" * (MAX_COMMENT + 1)):
        with pytest.raises(ValidationFailed):
            check_comment(bad)


def _post(published: bool) -> Post:
    return Post.write(uuid4(), uuid4(), "s", "T", "c", (), published, None, NOW)


def test_who_sees_edits_and_deletes_a_draft() -> None:
    draft = _post(published=False)
    author = Reader(draft.author_id)
    editor = Reader(uuid4(), is_editor=True)
    admin = Reader(uuid4(), is_admin=True)
    other, anonymous = Reader(uuid4()), Reader(None)

    assert [draft.is_visible_to(r) for r in (author, editor, admin, other, anonymous)] == [
        True, True, True, False, False,
    ]  # fmt: skip
    assert [draft.may_be_edited_by(r) for r in (author, editor, admin, other)] == [
        True, True, True, False,
    ]  # fmt: skip
    assert [draft.may_be_deleted_by(r) for r in (author, editor, admin, other)] == [
        True, False, True, False,
    ]  # fmt: skip


def test_who_deletes_a_comment() -> None:
    post = _post(published=True)
    comment = Comment.write(uuid4(), post.id, uuid4(), "hi", NOW)
    readers = (
        Reader(comment.author_id),
        Reader(post.author_id),
        Reader(uuid4(), is_editor=True),
        Reader(uuid4(), is_admin=True),
        Reader(uuid4()),
    )

    assert [comment.may_be_deleted_by(r, post) for r in readers] == [True, True, True, True, False]


def test_publishing_stamps_the_date_once_and_each_edit_bumps_the_version() -> None:
    draft = _post(published=False)
    published = draft.edited(NOW, published=True)
    later = published.edited(datetime(2026, 2, 1, tzinfo=UTC), title="New")

    assert draft.published_at is None and published.published_at == NOW
    assert later.published_at == NOW
    assert (draft.version, published.version, later.version) == (1, 2, 3)


@pytest.mark.parametrize(
    ("words", "common"),
    [
        (("running", "runs", "run"), "run"),
        (("stories", "story"), "story"),
        (("class", "classes"), "class"),
    ],
)
def test_the_memory_stemmer_joins_forms_of_a_word(words: tuple[str, ...], common: str) -> None:
    assert {stem(w) for w in words} == {common}
