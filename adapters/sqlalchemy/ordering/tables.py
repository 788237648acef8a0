"""The ordering tables: orders and their lines, payments, processed provider events."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Uuid

from adapters.sqlalchemy.metadata import Cents, UTCDateTime, metadata

orders = Table(
    "orders",
    metadata,
    Column("id", Uuid(), primary_key=True),
    # No foreign key to users on purpose: orders are financial records that must outlive
    # the account (DELETE /users/{id} must neither fail nor cascade into them).
    Column("user_id", Uuid(), nullable=False),
    Column("status", String(16), nullable=False),
    Column("subtotal_cents", Cents(), nullable=False),
    Column("discount_cents", Cents(), nullable=False),
    Column("total_cents", Cents(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("idempotency_key", String(255), nullable=True),
    Column("payment_intent_id", String(255), nullable=True),
    # NULL keys never collide, so orders placed without a key are unconstrained.
    Index(None, "user_id", "idempotency_key", unique=True),
    # The expiry sweep asks for "pending and past the deadline".
    Index(None, "status", "expires_at"),
    # A customer's own list, newest first; user_id leads, so it also serves user_id alone.
    Index(None, "user_id", "created_at"),
    # The admins' list of every order, newest first (the id breaks ties, as in the cursor).
    Index("ix_orders_created_at_id", "created_at", "id"),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column(
        "order_id",
        Uuid(),
        ForeignKey("orders.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("position", Integer(), primary_key=True),
    # No foreign key: a product that was never ordered can be deleted, and the line keeps the
    # name and price captured at order time anyway (ordered products are deactivated instead).
    Column("product_id", Uuid(), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("unit_price_cents", Cents(), nullable=False),
    Column("quantity", Integer(), nullable=False),
)

# --- payments --------------------------------------------------------------------------------

payments = Table(
    "payments",
    metadata,
    # One payment intent per order, reused on retries.
    Column("order_id", Uuid(), ForeignKey("orders.id"), primary_key=True),
    Column("provider", String(32), nullable=False),
    Column("intent_id", String(255), nullable=False),
    Column("client_secret", String(255), nullable=False),
    Column("amount_cents", Cents(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(32), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index(None, "intent_id", unique=True),
)

processed_events = Table(
    "processed_events",
    metadata,
    # The provider's event id: the primary key is what makes redeliveries no-ops.
    Column("event_id", String(255), primary_key=True),
    Column("event_type", String(128), nullable=False),
    Column("outcome", String(255), nullable=False),
    Column("processed_at", UTCDateTime(), nullable=False),
)
