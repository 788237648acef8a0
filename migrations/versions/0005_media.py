"""Media: the rows of uploaded files (their bytes are in object storage, under the id).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the media files' table and its list indexes."""
    # owner_id deliberately has no foreign key, like orders.user_id: files outlive accounts.
    op.create_table(
        "media_files",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_media_files"),
    )
    op.create_index("ix_media_files_owner_id_created_at", "media_files", ["owner_id", "created_at"])
    op.create_index("ix_media_files_created_at", "media_files", ["created_at"])


def downgrade() -> None:
    """Drop the media files' table (the stored objects are not touched)."""
    op.drop_table("media_files")
