"""How the user's raw search words become FTS5, websearch and LIKE input: quoted, escaped,
never syntax."""

from __future__ import annotations

import pytest

from adapters.sqlalchemy.blog.search import (
    MAX_SEARCH_WORDS,
    SearchMode,
    fts5_match,
    like_terms,
    search_plan,
    websearch_words,
    words_of,
)
from adapters.sqlalchemy.statements import like_pattern


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("running shoes", '"running" "shoes"'),
        ('say "hi"', '"say" """hi"""'),
        ("NEAR(a b)", '"NEAR(a" "b)"'),
        ("a OR b", '"a" "OR" "b"'),
        ("-x title:y *", '"-x" "title:y"'),
        ("a\x00b", '"a" "b"'),
        ("!!! *** ---", None),
        ("", None),
    ],
)
def test_fts5_words_are_quoted_strings(raw: str, expected: str | None) -> None:
    assert fts5_match(raw) == expected


def test_websearch_words_are_quoted_without_their_own_quotes() -> None:
    assert websearch_words('volcano or -"fire') == '"volcano" "or" "-fire"'
    assert websearch_words('" "" \x00') is None


def test_like_patterns_escape_their_wildcards() -> None:
    assert like_pattern("50%") == "%50\\%%"
    assert like_pattern("a_c") == "%a\\_c%"
    assert like_pattern("back\\slash") == "%back\\\\slash%"


def test_like_terms_lose_the_punctuation_around_words_only() -> None:
    assert like_terms('(fire) "vol*" 50% a_c ...') == ["fire", "vol", "50%", "a_c"]


def test_control_characters_and_lone_surrogates_separate_words() -> None:
    assert words_of("a\x00b\tc\ud800d") == ["a", "b", "c", "d"]


def test_words_beyond_the_maximum_are_ignored() -> None:
    plan = search_plan(SearchMode.LIKE, " ".join(f"w{n}" for n in range(50)))

    assert plan is not None and plan.terms == MAX_SEARCH_WORDS


def test_nothing_searchable_is_no_plan() -> None:
    for mode in SearchMode:
        assert search_plan(mode, " \x00 ") is None
