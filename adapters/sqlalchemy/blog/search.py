"""Full-text search over the posts: how the user's raw words become a safe query per database.

Postgres matches `websearch_to_tsquery('english', :words)` against the generated
`search_vector` (title weighted A, content B) and ranks with `ts_rank`; the function parses
any input without error (the words never reach `to_tsquery`), and each word goes to it
quoted, so that every word is required on every database, as a plain word. SQLite
matches its FTS5 index with every word quoted as an FTS5 string, so no operator (`OR`, `NEAR`,
`*`, `-`, `:`, parentheses) the user types is ever an operator, and ranks with
`bm25(posts_fts, 10.0, 1.0)`. A SQLite build without FTS5 (the migration then made no index)
falls back to LIKE over title and content, `%`, `_` and `\\` escaped.

Every way ranks only a bounded candidate set (SEARCH_MATCH_LIMIT matches): ranking and
counting then cost the same whether 1,000 or 100,000 posts are stored.
"""

from __future__ import annotations

import enum
import unicodedata
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Float,
    Subquery,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.engine import Dialect

from adapters.sqlalchemy.blog.tables import posts
from adapters.sqlalchemy.reader import ReadConnection
from adapters.sqlalchemy.statements import like_pattern
from application.blog.ports import SEARCH_MATCH_LIMIT

# Words beyond these are ignored: each is one more condition (LIKE) or phrase (FTS5).
MAX_SEARCH_WORDS = 20

# FTS5's weights for bm25: a title match counts ten times a content match.
TITLE_WEIGHT, CONTENT_WEIGHT = 10.0, 1.0

# Only the FTS5 table's name and its hidden column named like it (for MATCH) and its rowid.
_posts_fts = table("posts_fts")
_FTS_TABLE: ColumnClause[Any] = literal_column("posts_fts")
_FTS_ROWID: ColumnClause[Any] = literal_column("posts_fts.rowid")
_TSQUERY = func.websearch_to_tsquery(literal_column("'english'::regconfig"), bindparam("search"))


class SearchMode(enum.Enum):
    """How a database searches the posts."""

    POSTGRES = "postgres"
    FTS5 = "fts5"
    LIKE = "like"


def words_of(raw: str) -> list[str]:
    """The user's words, split on whitespace, without control characters or lone surrogates
    (which no database takes in text: NUL breaks Postgres, surrogates the drivers' encoding),
    at most MAX_SEARCH_WORDS."""
    cleaned = "".join(" " if unicodedata.category(char) in ("Cc", "Cs") else char for char in raw)
    return cleaned.split()[:MAX_SEARCH_WORDS]


def fts5_match(raw: str) -> str | None:
    """An FTS5 MATCH expression finding posts holding every word: each quoted as an FTS5
    string (embedded quotes doubled), joined by spaces (AND). None when no word has a letter
    or digit, which the tokenizer would keep (such a search matches nothing)."""
    phrases = [
        '"' + word.replace('"', '""') + '"'
        for word in words_of(raw)
        if any(char.isalnum() for char in word)
    ]
    return " ".join(phrases) or None


def websearch_words(raw: str) -> str | None:
    """The user's words for websearch_to_tsquery, each quoted (its own quotes dropped): every
    word is then required and a plain word, as with FTS5, so `or` and `-word` are not
    websearch's operators. None when no word is left."""
    quoted = [f'"{bare}"' for word in words_of(raw) if (bare := word.replace('"', ""))]
    return " ".join(quoted) or None


# Punctuation around a word that FTS5's tokenizer would drop, dropped from LIKE terms too,
# so "(fire)" finds "fire"; `%`, `_` and `\` stay, as literal characters.
_AROUND_WORDS = "\"'()[]{}<>^*:;,.!?"


def like_terms(raw: str) -> list[str]:
    """The user's words as LIKE terms: without the punctuation around them, empty ones left out."""
    return [term for word in words_of(raw) if (term := word.strip(_AROUND_WORDS))]


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """A search as one database runs it: its mode, how many LIKE terms, its parameters."""

    mode: SearchMode
    terms: int
    params: dict[str, Any]


def search_plan(mode: SearchMode, raw: str) -> SearchPlan | None:
    """The statement shape and parameters searching for the user's words; None when the
    words can match nothing (only punctuation, or nothing at all)."""
    if mode is SearchMode.POSTGRES:
        words = websearch_words(raw)
        return SearchPlan(mode, 0, {"search": words}) if words else None
    if mode is SearchMode.FTS5:
        match = fts5_match(raw)
        return SearchPlan(mode, 0, {"search": match}) if match else None
    terms = like_terms(raw)
    if not terms:
        return None
    params = {f"term_{n}": like_pattern(term) for n, term in enumerate(terms)}
    return SearchPlan(mode, len(terms), params)


def _like(column: ColumnElement[str], n: int) -> ColumnElement[bool]:
    return column.like(bindparam(f"term_{n}"), escape="\\")


def search_candidates(
    plan: SearchPlan,
    columns: Sequence[Any],
    conditions: Sequence[ColumnElement[bool]],
    ranked: bool = True,
) -> Subquery:
    """At most SEARCH_MATCH_LIMIT posts meeting the conditions and matching the search: the
    given columns plus `rank`, higher for a better match (title above content), unless not
    `ranked` (for counting them)."""
    # Built per shape of query by the repository's cached statement builders, not per call.
    mode, terms = plan.mode, plan.terms
    rank: ColumnElement[Any]
    if mode is SearchMode.POSTGRES:
        rank = func.ts_rank(posts.c.search_vector, _TSQUERY, type_=Float)
        stmt = select(*columns, rank.label("rank")).where(
            posts.c.search_vector.op("@@")(_TSQUERY), *conditions
        )
    elif mode is SearchMode.FTS5:
        # bm25 is lower for a better match; negated, every mode ranks higher-is-better.
        rank = -func.bm25(_FTS_TABLE, TITLE_WEIGHT, CONTENT_WEIGHT, type_=Float)
        stmt = (
            select(*columns, rank.label("rank"))
            .select_from(_posts_fts.join(posts, posts.c.seq == _FTS_ROWID))
            .where(_FTS_TABLE.op("MATCH")(bindparam("search")), *conditions)
        )
    else:
        in_title = [_like(posts.c.title, n) for n in range(terms)]
        in_content = [_like(posts.c.content, n) for n in range(terms)]
        matched = [or_(t, c) for t, c in zip(in_title, in_content, strict=True)]
        # Each word found in the title counts ten, in the content one, as FTS5's weights.
        rank = sum(
            (
                case((t, TITLE_WEIGHT), else_=0.0) + case((c, CONTENT_WEIGHT), else_=0.0)
                for t, c in zip(in_title, in_content, strict=True)
            ),
            start=literal_column("0.0", Float),
        )
        stmt = select(*columns, rank.label("rank")).where(and_(*matched), *conditions)
    if not ranked:
        stmt = stmt.with_only_columns(*columns)
    return stmt.limit(SEARCH_MATCH_LIMIT).subquery("candidates")


# Per engine (each has its own dialect object): whether its SQLite database has the FTS5 index.
_fts5_by_engine: weakref.WeakKeyDictionary[Dialect, bool] = weakref.WeakKeyDictionary()

_HAS_FTS5 = text(
    "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'posts_fts')"
    " AND EXISTS (SELECT 1 FROM pragma_compile_options WHERE compile_options = 'ENABLE_FTS5')"
)


async def search_mode(connection: ReadConnection) -> SearchMode:
    """How this connection's database searches posts, found out once per engine on SQLite
    (whether the migration could build the FTS5 index)."""
    dialect = connection.dialect
    if dialect.name == "postgresql":
        return SearchMode.POSTGRES
    has_fts5 = _fts5_by_engine.get(dialect)
    if has_fts5 is None:
        has_fts5 = bool((await connection.execute(_HAS_FTS5)).scalar_one())
        _fts5_by_engine[dialect] = has_fts5
    return SearchMode.FTS5 if has_fts5 else SearchMode.LIKE
