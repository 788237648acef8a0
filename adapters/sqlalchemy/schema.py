"""The whole relational schema: every registered context's tables on one MetaData.

Migrations must match it exactly (tests/contract/test_migrations.py compares them), apart
from what `include_in_comparison` leaves out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Importing the registry imports every context module, and with it every table.
import adapters.contexts  # noqa: F401
from adapters.sqlalchemy.metadata import UNMODELLED_TABLE_PREFIXES, metadata

__all__ = ["include_in_comparison", "metadata"]

# Expression indexes migration 0008 makes in SQL (trigram GIN, the name order's key): Alembic
# can't reflect them on SQLite nor compare their expressions reliably on Postgres, so they are
# left out of the comparison; tests/contract/test_migrations.py checks them by name instead.
UNMODELLED_INDEXES = frozenset(
    {
        "ix_products_name_trgm",
        "ix_products_description_trgm",
        "ix_products_name_key",
        "ix_users_email_key",
        "ix_users_name_key",
    }
)


def include_in_comparison(dialect: str) -> Callable[[Any, str | None, str, bool, Any], bool]:
    """Alembic's `include_object` for this dialect: leaves out the tables the metadata does
    not model (SQLite's FTS5 tables) and the columns and indexes of other dialects only."""

    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "table" and name is not None and name.startswith(UNMODELLED_TABLE_PREFIXES):
            return False
        if type_ == "index" and reflected and name in UNMODELLED_INDEXES:
            return False
        if type_ in ("column", "index") and not reflected:
            only_on = obj.info.get("only_on")
            return only_on is None or only_on == dialect
        return True

    return include
