"""The relational schema, as SQLAlchemy Core tables. Migrations must match it exactly."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

# Deterministic constraint names, so migrations can refer to (and drop) them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    Postgres keeps the zone (timestamptz); SQLite drops it, so values are written as naive
    UTC and re-tagged as UTC on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes (ambiguous) and normalize to UTC."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; use an aware UTC value")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        """No conversion on asyncpg, which returns timestamptz as aware UTC datetimes."""
        if dialect.driver == "asyncpg":
            return None
        return super().result_processor(dialect, coltype)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime whatever the driver handed back."""
        if value is None:
            return None
        # Drivers return datetimes; parse defensively in case one hands back text.
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


# SQLite only auto-increments an INTEGER PRIMARY KEY; Postgres gets a 64-bit identity.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")

users = Table(
    "users",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column("email", String(254), nullable=False),  # always lower-case
    Column("name", String(100), nullable=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("tier", String(16), nullable=False),
    Column("email_verified", Boolean(), nullable=False),
    Column("active", Boolean(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("tokens_valid_after", UTCDateTime(), nullable=True),
    Index(None, "email", unique=True),
    Index(None, "created_at"),
)

one_time_tokens = Table(
    "one_time_tokens",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column(
        "user_id",
        Uuid(),
        ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("purpose", String(32), nullable=False),
    Column("token_hash", String(128), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("used_at", UTCDateTime(), nullable=True),
    Index(None, "token_hash", unique=True),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column(
        "user_id",
        Uuid(),
        ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("family_id", Uuid(), nullable=False, index=True),
    Column("token_hash", String(128), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("rotated_at", UTCDateTime(), nullable=True),
    Column("revoked_at", UTCDateTime(), nullable=True),
    Index(None, "token_hash", unique=True),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("key", String(400), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    # Lookups are always "this key since then"; the key prefix also serves clear(key).
    Index(None, "key", "at"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column("kind", String(64), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("subject", Text(), nullable=False),
    Column("text_body", Text(), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=True),
    Column("provider_message_id", String(255), nullable=True),
    Column("last_error", Text(), nullable=True),
    # The dispatcher that holds the message while it sends it, and until when: a dispatcher
    # killed mid-send leaves a lease that simply expires, and the message is claimed again.
    Column("claim_token", Uuid(), nullable=True),
    Column("lease_until", UTCDateTime(), nullable=True),
    # The dispatcher asks for "pending and due"; status leads, so it also serves status alone.
    Index(None, "status", "next_attempt_at"),
)


# --- catalog ---------------------------------------------------------------------------------

# Money in cents. 64-bit, so an order of 50 products x 100 units of a pricey item can't overflow.
Cents = BigInteger

products = Table(
    "products",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("description", Text(), nullable=False),
    Column("price_cents", Cents(), nullable=False),
    # Only try_adjust_stock's conditional UPDATE changes it; the CHECK is the last line of defence.
    Column("stock", Integer(), nullable=False),
    Column("active", Boolean(), nullable=False),
    # A JSON list of media ids as strings; JSONB on Postgres so "which products use this
    # image" can be answered with containment (@>) later.
    Column("image_ids", JSON().with_variant(JSONB(), "postgresql"), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    CheckConstraint("stock >= 0", name="stock_non_negative"),
    # The public list is "active ones, newest first"; price and name serve the other sorts
    # and the price range filter.
    Index(None, "active", "created_at"),
    Index(None, "price_cents"),
    Index(None, "name"),
)

# --- ordering --------------------------------------------------------------------------------

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
