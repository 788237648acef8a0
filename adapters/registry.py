"""The repository registry both units of work build from.

Each context declares one mixin per backend: its repositories as typed attributes (what mypy
checks callers against) and `REPOSITORIES`, attribute name -> factory (what the unit of work
calls). A unit of work inherits every context's mixin (combined in `adapters/contexts.py`) and
builds all the registered repositories in one loop, so a new context adds no code to it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any, ClassVar


class RepositoryMixin:
    """Base of a context's repository mixin, and of their combinations."""

    # Set by each context's mixin: attribute name -> factory taking what the unit of work
    # builds repositories from (a connection scope, or the in-memory store).
    REPOSITORIES: ClassVar[Mapping[str, Callable[[Any], object]]] = {}
    # Every factory of the mixins a class combines, gathered once when the class is created.
    _registered: ClassVar[tuple[tuple[str, Callable[[Any], object]], ...]] = ()

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
        cls._registered = tuple(factories.items())

    @classmethod
    def repository_names(cls) -> tuple[str, ...]:
        """The attribute names of every registered repository."""
        return tuple(name for name, _ in cls._registered)

    def _build_repositories(self, source: Any) -> None:
        """Set every registered repository, each built from `source`."""
        for name, factory in self._registered:
            setattr(self, name, factory(source))
