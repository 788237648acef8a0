"""What a memory context module registers its repositories with."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, ClassVar

from adapters.registry import RepositoryMixin

if TYPE_CHECKING:
    from adapters.memory.store import MemoryStore


class MemoryContextRepositories(RepositoryMixin):
    """Base of a context's memory mixin: typed attributes plus `REPOSITORIES` building them."""

    REPOSITORIES: ClassVar[Mapping[str, Callable[[MemoryStore], object]]] = {}
