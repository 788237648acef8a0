"""What a SQL context module registers its repositories with."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from adapters.registry import RepositoryMixin
from adapters.sqlalchemy.reader import ReadConnection, Reader


@dataclass(frozen=True, slots=True)
class SqlScope:
    """What a unit of work builds each repository from: its connection, dialect and reader."""

    connection: ReadConnection
    dialect: str
    reader: Reader


class SqlContextRepositories(RepositoryMixin):
    """Base of a context's SQL mixin: typed attributes plus `REPOSITORIES` building them."""

    REPOSITORIES: ClassVar[Mapping[str, Callable[[SqlScope], object]]] = {}
