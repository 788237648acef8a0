"""What every context's tables share: the MetaData they live on and the column types.

This MetaData only holds the tables of the context modules imported so far; import
`adapters.sqlalchemy.schema` for the whole schema.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, MetaData, TypeDecorator

# Deterministic constraint names, so migrations can refer to (and drop) them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# Tables a migration creates beside the metadata's, which the metadata does not model (SQLite's
# FTS5 index of the posts and its shadow tables): schema comparisons leave them out.
UNMODELLED_TABLE_PREFIXES = ("posts_fts",)


def only_on(dialect: str) -> dict[str, str]:
    """The `info` of a column or index that exists on that dialect only (the migrations
    create it there alone; schema comparisons on other dialects leave it out)."""
    return {"only_on": dialect}


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

# Money in cents. 64-bit, so an order of 50 products x 100 units of a pricey item can't overflow.
Cents = BigInteger
