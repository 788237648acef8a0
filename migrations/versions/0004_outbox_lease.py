"""Outbox leases: the dispatcher claims messages with a token and a lease end, then commits.

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-23 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the claim token and lease end; existing messages start unclaimed."""
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("claim_token", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop the lease columns."""
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("claim_token")
