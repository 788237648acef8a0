"""The whole relational schema: every registered context's tables on one MetaData.

Migrations must match it exactly (tests/contract/test_migrations.py compares them).
"""

from __future__ import annotations

# Importing the registry imports every context module, and with it every table.
import adapters.contexts  # noqa: F401
from adapters.sqlalchemy.metadata import metadata

__all__ = ["metadata"]
