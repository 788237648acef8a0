"""Admin lists at scale: indexes in the order the admins' unfiltered lists are sorted.

The admins' order list newest first (no customer named) had no index on its key: every page
sorted the whole table. Users sorted by email or name compare in byte order (COLLATE "C" on
Postgres, whatever the server's locale, so the order is the memory adapter's): the unique
email index, in the database's collation, can't serve that order, and the name key is an
expression. Each gets an index on exactly the key and the id, so a page, however deep its
cursor, is an index range scan.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 19:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the orders' (created_at, id) index and the users' byte-order sort keys."""
    op.create_index("ix_orders_created_at_id", "orders", ["created_at", "id"])
    if op.get_context().dialect.name == "postgresql":
        op.execute('CREATE INDEX ix_users_email_key ON users ((email COLLATE "C"), id)')
        op.execute(
            "CREATE INDEX ix_users_name_key ON users "
            "((lower(coalesce(name, '')) COLLATE \"C\"), id)"
        )
    else:
        # SQLite compares text in byte order already: the unique email index serves its sort.
        op.execute("CREATE INDEX ix_users_name_key ON users (lower(coalesce(name, '')), id)")


def downgrade() -> None:
    """Drop them."""
    if op.get_context().dialect.name == "postgresql":
        op.drop_index("ix_users_email_key", table_name="users")
    op.drop_index("ix_users_name_key", table_name="users")
    op.drop_index("ix_orders_created_at_id", table_name="orders")
