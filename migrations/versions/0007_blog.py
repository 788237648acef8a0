"""Blog: posts with their full-text index, tags, old slugs and comments.

Postgres indexes a generated tsvector column with GIN. SQLite gets an external-content FTS5
table over the posts kept in sync by triggers, when its build has FTS5; without it the posts
are searched with LIKE (adapters/sqlalchemy/blog/search.py finds out which, once per engine).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 07:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Title weighted A, content B; the two-argument to_tsvector is immutable, as a generated
# column requires.
_SEARCH_VECTOR = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(content, '')), 'B')"
)

# External content: the index stores no copy of the text, only the posts' rowids (seq).
# Porter stems English words, so "running" finds "runs"; unicode61 folds case and accents.
_SQLITE_FTS = (
    "CREATE VIRTUAL TABLE posts_fts USING fts5(title, content, content='posts', "
    "content_rowid='seq', tokenize='porter unicode61')",
    """CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
        INSERT INTO posts_fts (rowid, title, content) VALUES (new.seq, new.title, new.content);
    END""",
    """CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
        INSERT INTO posts_fts (posts_fts, rowid, title, content)
        VALUES ('delete', old.seq, old.title, old.content);
    END""",
    # Only when the indexed text changes: publishing a post does not re-index it.
    """CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, content ON posts BEGIN
        INSERT INTO posts_fts (posts_fts, rowid, title, content)
        VALUES ('delete', old.seq, old.title, old.content);
        INSERT INTO posts_fts (rowid, title, content) VALUES (new.seq, new.title, new.content);
    END""",
)


def _sqlite_has_fts5() -> bool:
    if context.is_offline_mode():
        return True  # a script for a SQLite build without FTS5 would have to drop these lines
    found = op.get_bind().execute(
        sa.text("SELECT 1 FROM pragma_compile_options WHERE compile_options = 'ENABLE_FTS5'")
    )
    return found.first() is not None


def upgrade() -> None:
    """Create the blog's tables and, per dialect, the posts' full-text index."""
    dialect = op.get_context().dialect.name
    columns = [
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(200), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("excerpt", sa.String(300), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("cover_image_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]
    if dialect == "postgresql":
        columns.append(
            sa.Column(
                "search_vector",
                postgresql.TSVECTOR(),
                sa.Computed(_SEARCH_VECTOR, persisted=True),
                nullable=True,
            )
        )
    op.create_table(
        "posts",
        *columns,
        sa.PrimaryKeyConstraint("seq", name="pk_posts"),
        sa.UniqueConstraint("id", name="uq_posts_id"),
        sa.UniqueConstraint("slug", name="uq_posts_slug"),
    )
    op.create_index("ix_posts_published_published_at", "posts", ["published", "published_at"])
    op.create_index("ix_posts_author_id_created_at", "posts", ["author_id", "created_at"])
    if dialect == "postgresql":
        op.create_index(
            "ix_posts_search_vector", "posts", ["search_vector"], postgresql_using="gin"
        )

    op.create_table(
        "post_tags",
        sa.Column("post_id", sa.Uuid(), nullable=False),
        sa.Column("tag", sa.String(50), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name="fk_post_tags_post_id_posts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("post_id", "tag", name="pk_post_tags"),
    )
    op.create_index("ix_post_tags_tag", "post_tags", ["tag"])

    op.create_table(
        "post_slugs",
        sa.Column("slug", sa.String(200), nullable=False),
        sa.Column("post_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name="fk_post_slugs_post_id_posts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("slug", name="pk_post_slugs"),
    )

    op.create_table(
        "comments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("post_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name="fk_comments_post_id_posts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_comments"),
    )
    op.create_index("ix_comments_post_id_created_at", "comments", ["post_id", "created_at"])

    if dialect == "sqlite" and _sqlite_has_fts5():
        for statement in _SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    """Drop the blog's tables, their full-text index and its triggers."""
    if op.get_context().dialect.name == "sqlite":
        for trigger in ("posts_fts_insert", "posts_fts_delete", "posts_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS posts_fts")
    op.drop_table("comments")
    op.drop_table("post_slugs")
    op.drop_table("post_tags")
    op.drop_table("posts")
