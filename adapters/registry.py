"""The repository registry both units of work build from.

Each context declares one mixin per backend: its repositories as typed attributes (what mypy
checks callers against) and `REPOSITORIES`, attribute name -> factory (what the unit of work
calls). A unit of work inherits every context's mixin (combined in `adapters/contexts.py`) and
hands them what they are built from in one call, so a new context adds no code to it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar


class RepositoryMixin:
    """Base of a context's repository mixin, and of their combinations."""

    # Set by each context's mixin: attribute name -> factory taking what the unit of work
    # builds repositories from (a connection scope, or the in-memory store).
    REPOSITORIES: ClassVar[Mapping[str, Callable[[Any], object]]] = {}
    # Every factory of the mixins a class combines, gathered once when the class is created.
    _factories: ClassVar[Mapping[str, Callable[[Any], object]]] = {}
    # What this unit of work's repositories are built from, and the ones built so far.
    _repository_source: Any = None
    _built_repositories: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Check the mixin registers exactly what it declares, then gather the factories."""
        super().__init_subclass__(**kwargs)
        if "REPOSITORIES" in cls.__dict__:
            # A typed attribute without a factory would be a repository mypy promises and the
            # unit of work never builds; a factory without one would be invisible to mypy.
            declared = set(inspect.get_annotations(cls)) - {"REPOSITORIES"}
            registered = set(cls.__dict__["REPOSITORIES"])
            if declared != registered:
                raise TypeError(
                    f"{cls.__name__} declares {sorted(declared)} but registers {sorted(registered)}"
                )
        factories: dict[str, Callable[[Any], object]] = {}
        for klass in cls.__mro__:
            for name, factory in klass.__dict__.get("REPOSITORIES", {}).items():
                # Two contexts building one attribute: one would silently win.
                if name in factories:
                    raise TypeError(f"{name!r} is registered twice, again by {klass.__name__}")
                factories[name] = factory
        cls._factories = factories

    @classmethod
    def repository_names(cls) -> tuple[str, ...]:
        """The attribute names of every registered repository."""
        return tuple(cls._factories)

    def _build_repositories(self, source: Any) -> None:
        """Build the repositories from `source` from now on, each on its first use: a unit of
        work touches one or two of its contexts' repositories, not all of them."""
        for name in self._built_repositories:
            del self.__dict__[name]  # built on the previous source (connection)
        self._built_repositories = ()
        self._repository_source = source

    if not TYPE_CHECKING:  # mypy keeps checking names against the declared attributes

        def __getattr__(self, name: str) -> Any:
            # Only called for an attribute not set yet: build the repository and keep it.
            factory = type(self)._factories.get(name)
            source = self._repository_source
            if factory is None or source is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            repository = self.__dict__[name] = factory(source)
            self._built_repositories = (*self._built_repositories, name)
            return repository
