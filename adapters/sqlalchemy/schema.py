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


def include_in_comparison(dialect: str) -> Callable[[Any, str | None, str, bool, Any], bool]:
    """Alembic's `include_object` for this dialect: leaves out the tables the metadata does
    not model (SQLite's FTS5 tables) and the columns and indexes of other dialects only."""

    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "table" and name is not None and name.startswith(UNMODELLED_TABLE_PREFIXES):
            return False
        if type_ in ("column", "index") and not reflected:
            only_on = obj.info.get("only_on")
            return only_on is None or only_on == dialect
        return True

    return include
