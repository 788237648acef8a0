"""Catalog and ordering: products, orders and their lines, payments, processed provider events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-02-07 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column[Any]:
    # Always UTC; the application reads them back timezone-aware on every backend.
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _cents(name: str) -> sa.Column[Any]:
    # Money in cents, 64-bit.
    return sa.Column(name, sa.BigInteger(), nullable=False)


def upgrade() -> None:
    """Create the catalog, ordering and payment tables, with their keys and indexes."""
    op.create_table(
        "products",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        _cents("price_cents"),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "image_ids",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_products"),
        # op.f(): the name is final; without it the naming convention would prefix it again.
        sa.CheckConstraint("stock >= 0", name=op.f("ck_products_stock_non_negative")),
    )
    op.create_index("ix_products_active_created_at", "products", ["active", "created_at"])
    op.create_index("ix_products_price_cents", "products", ["price_cents"])
    op.create_index("ix_products_name", "products", ["name"])

    # user_id deliberately has no foreign key: orders outlive the account they belong to.
    op.create_table(
        "orders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _cents("subtotal_cents"),
        _cents("discount_cents"),
        _cents("total_cents"),
        sa.Column("currency", sa.String(3), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("expires_at"),
        sa.Column("idempotency_key", sa.String(255), nullable=True),
        sa.Column("payment_intent_id", sa.String(255), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_orders"),
    )
    op.create_index(
        "ix_orders_user_id_idempotency_key",
        "orders",
        ["user_id", "idempotency_key"],
        unique=True,
    )
    op.create_index("ix_orders_status_expires_at", "orders", ["status", "expires_at"])
    op.create_index("ix_orders_user_id_created_at", "orders", ["user_id", "created_at"])

    # product_id deliberately has no foreign key: never-ordered products can be deleted.
    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        _cents("unit_price_cents"),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "position", name="pk_order_lines"),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name="fk_order_lines_order_id_orders",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_order_lines_product_id", "order_lines", ["product_id"])

    op.create_table(
        "payments",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("intent_id", sa.String(255), nullable=False),
        sa.Column("client_secret", sa.String(255), nullable=False),
        _cents("amount_cents"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("order_id", name="pk_payments"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_payments_order_id_orders"),
    )
    op.create_index("ix_payments_intent_id", "payments", ["intent_id"], unique=True)

    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("event_type", sa.String(128), nullable=False),
        sa.Column("outcome", sa.String(255), nullable=False),
        _timestamp("processed_at"),
        sa.PrimaryKeyConstraint("event_id", name="pk_processed_events"),
    )


def downgrade() -> None:
    """Drop the catalog, ordering and payment tables."""
    op.drop_table("processed_events")
    op.drop_table("payments")
    op.drop_table("order_lines")
    op.drop_table("orders")
    op.drop_table("products")
