"""Products at scale: trigram indexes for search, an index for the name order's keyset paging.

On Postgres, `pg_trgm` GIN indexes on lower(name) and lower(description) serve the catalog's
case-insensitive substring search (`LIKE '%word%'`), which no b-tree can. Both databases get
an index on the name sort's exact key and the id, so a cursor page sorted by name is an index
range scan. SQLite has no trigram index for LIKE: its search stays a scan (docs/api.md).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 11:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the search and sort indexes (the trigram ones on Postgres only)."""
    if op.get_context().dialect.name == "postgresql":
        # pg_trgm is a trusted extension (Postgres 13+): a database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_products_name_trgm ON products USING gin (lower(name) gin_trgm_ops)"
        )
        op.execute(
            "CREATE INDEX ix_products_description_trgm ON products "
            "USING gin (lower(description) gin_trgm_ops)"
        )
        op.execute('CREATE INDEX ix_products_name_key ON products (lower(name) COLLATE "C", id)')
    else:
        op.execute("CREATE INDEX ix_products_name_key ON products (lower(name), id)")


def downgrade() -> None:
    """Drop them (the extension stays: other schemas may use it)."""
    op.drop_index("ix_products_name_key", table_name="products")
    if op.get_context().dialect.name == "postgresql":
        op.drop_index("ix_products_description_trgm", table_name="products")
        op.drop_index("ix_products_name_trgm", table_name="products")
