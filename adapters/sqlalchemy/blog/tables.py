"""The blog tables: posts (with their search index), their tags and old slugs, comments.

Posts carry an integer `seq` beside their UUID because SQLite's FTS5 index is keyed by an
integer rowid; nothing outside SQL ever sees it. Postgres indexes a generated `tsvector`
column instead; SQLite's FTS5 table and its triggers are created by the migration only, and
are no part of this metadata (see `include_in_comparison` in adapters/sqlalchemy/schema.py).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Computed,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import TSVECTOR

from adapters.sqlalchemy.metadata import UTCDateTime, metadata, only_on
from domain.blog import MAX_SLUG, MAX_TAG, MAX_TITLE

# Title weighted A, content B: ts_rank then ranks a title match above a content match. The
# two-argument to_tsvector names its configuration, which makes it immutable (as a generated
# column requires) and independent of the server's default_text_search_config.
SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(content, '')), 'B')"
)

posts = Table(
    "posts",
    metadata,
    Column("seq", Integer(), primary_key=True, autoincrement=True),
    Column("id", Uuid(), nullable=False, unique=True),
    # Unique: a taken slug is decided by this index (and a retry), never by counting.
    Column("slug", String(MAX_SLUG), nullable=False, unique=True),
    Column("title", String(MAX_TITLE), nullable=False),
    Column("content", Text(), nullable=False),
    # Room beyond MAX_EXCERPT, so a longer excerpt rule needs no migration.
    Column("excerpt", String(300), nullable=False),
    Column("published", Boolean(), nullable=False),
    Column("published_at", UTCDateTime(), nullable=True),
    # No foreign key, like orders.user_id: posts are not the accounts context's to cascade.
    Column("author_id", Uuid(), nullable=False),
    Column("cover_image_id", Uuid(), nullable=True),
    Column("version", Integer(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column(
        "search_vector",
        TSVECTOR(),
        Computed(SEARCH_VECTOR_SQL, persisted=True),
        info=only_on("postgresql"),
    ),
    # The public list, newest first; an author's own list, newest first.
    Index(None, "published", "published_at"),
    Index(None, "author_id", "created_at"),
    Index(None, "search_vector", postgresql_using="gin", info=only_on("postgresql")),
)

post_tags = Table(
    "post_tags",
    metadata,
    Column("post_id", Uuid(), ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(MAX_TAG), primary_key=True),
    # The tag's place in the post's list: tags read back in the order they were given.
    Column("position", SmallInteger(), nullable=False),
    # "Posts with this tag" and the tag counts.
    Index(None, "tag"),
)

# A post's former slugs, which answer 301 to its current one.
post_slugs = Table(
    "post_slugs",
    metadata,
    Column("slug", String(MAX_SLUG), primary_key=True),
    Column("post_id", Uuid(), ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column("post_id", Uuid(), ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    # No foreign key, like posts.author_id.
    Column("author_id", Uuid(), nullable=False),
    Column("content", Text(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    # A post's comments, oldest first.
    Index(None, "post_id", "created_at"),
)
