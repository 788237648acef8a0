"""The blog context in SQL: its tables, search, repositories, and what a unit of work builds."""

from __future__ import annotations

from adapters.sqlalchemy.blog import tables  # noqa: F401  (the tables join the metadata)
from adapters.sqlalchemy.registry import SqlContextRepositories


class SqlBlogRepositories(SqlContextRepositories):
    """The blog repositories of a SQL unit of work."""
