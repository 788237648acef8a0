"""The bounded contexts the persistence adapters serve: the one place a context is registered.

Each context brings `adapters/sqlalchemy/<context>` (tables, repositories, a SQL mixin) and
`adapters/memory/<context>.py` (tables, repositories, a memory mixin). Registering it means
adding those three classes below, one line each; the units of work build every registered
repository in a loop, the store snapshots every registered table for rollback, and the SQL
schema (`adapters/sqlalchemy/schema.py`) gets its tables from these imports.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.memory.accounts import AccountsTables, MemoryAccountsRepositories
from adapters.memory.apikeys import ApiKeysTables, MemoryApiKeysRepositories
from adapters.memory.blog import BlogTables, MemoryBlogRepositories
from adapters.memory.catalog import CatalogTables, MemoryCatalogRepositories
from adapters.memory.counters import MemoryCountersRepositories
from adapters.memory.media import MediaTables, MemoryMediaRepositories
from adapters.memory.messaging import MemoryMessagingRepositories, MessagingTables
from adapters.memory.ordering import MemoryOrderingRepositories, OrderingTables
from adapters.sqlalchemy.accounts import SqlAccountsRepositories
from adapters.sqlalchemy.apikeys import SqlApiKeysRepositories
from adapters.sqlalchemy.blog import SqlBlogRepositories
from adapters.sqlalchemy.catalog import SqlCatalogRepositories
from adapters.sqlalchemy.counters import SqlCountersRepositories
from adapters.sqlalchemy.media import SqlMediaRepositories
from adapters.sqlalchemy.messaging import SqlMessagingRepositories
from adapters.sqlalchemy.ordering import SqlOrderingRepositories


class SqlRepositories(
    SqlAccountsRepositories,
    SqlCatalogRepositories,
    SqlOrderingRepositories,
    SqlMessagingRepositories,
    SqlMediaRepositories,
    SqlBlogRepositories,
    SqlApiKeysRepositories,
    SqlCountersRepositories,
):
    """Every context's SQL repositories: what SqlUnitOfWork builds on each `async with`."""


class MemoryRepositories(
    MemoryAccountsRepositories,
    MemoryCatalogRepositories,
    MemoryOrderingRepositories,
    MemoryMessagingRepositories,
    MemoryMediaRepositories,
    MemoryBlogRepositories,
    MemoryApiKeysRepositories,
    MemoryCountersRepositories,
):
    """Every context's memory repositories: what MemoryUnitOfWork builds over the store."""


@dataclass
class MemoryTables(
    AccountsTables,
    CatalogTables,
    OrderingTables,
    MessagingTables,
    MediaTables,
    BlogTables,
    ApiKeysTables,
):
    """Every context's in-memory tables: the fields of MemoryStore."""
