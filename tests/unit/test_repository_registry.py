"""The repository registry: a context's mixin registers exactly what it declares, once."""

from __future__ import annotations

import pytest

from adapters.registry import RepositoryMixin


class _Widgets:
    def __init__(self, source: str) -> None:
        self.source = source


class _Gadgets(_Widgets):
    pass


def _widgets_mixin() -> type[RepositoryMixin]:
    class Widgets(RepositoryMixin):
        widgets: _Widgets
        REPOSITORIES = {"widgets": _Widgets}

    return Widgets


def test_a_mixin_with_a_typed_attribute_but_no_factory_is_refused() -> None:
    with pytest.raises(TypeError, match="declares \\['gadgets', 'widgets'\\]"):

        class Widgets(RepositoryMixin):
            widgets: _Widgets
            gadgets: _Gadgets
            REPOSITORIES = {"widgets": _Widgets}


def test_a_mixin_with_a_factory_but_no_typed_attribute_is_refused() -> None:
    with pytest.raises(TypeError, match="registers \\['gadgets', 'widgets'\\]"):

        class Widgets(RepositoryMixin):
            widgets: _Widgets
            REPOSITORIES = {"widgets": _Widgets, "gadgets": _Gadgets}


def test_two_contexts_registering_one_name_are_refused() -> None:
    widgets = _widgets_mixin()

    class MoreWidgets(RepositoryMixin):
        widgets: _Gadgets
        REPOSITORIES = {"widgets": _Gadgets}

    with pytest.raises(TypeError, match="'widgets' is registered twice"):

        class Both(widgets, MoreWidgets):
            pass


def test_a_combination_builds_every_context_repository_from_one_source() -> None:
    widgets = _widgets_mixin()

    class Gadgets(RepositoryMixin):
        gadgets: _Gadgets
        REPOSITORIES = {"gadgets": _Gadgets}

    class UnitOfWork(widgets, Gadgets):
        def __init__(self, source: str) -> None:
            self._build_repositories(source)

    uow = UnitOfWork("the store")

    assert UnitOfWork.repository_names() == ("widgets", "gadgets")
    assert (type(uow.gadgets), uow.gadgets.source) == (_Gadgets, "the store")
    assert (type(uow.widgets), uow.widgets.source) == (_Widgets, "the store")


def test_repositories_are_built_on_first_use_and_afresh_for_each_new_source() -> None:
    built: list[str] = []

    class Counted(_Widgets):
        def __init__(self, source: str) -> None:
            super().__init__(source)
            built.append(source)

    class Widgets(RepositoryMixin):
        widgets: Counted
        gadgets: Counted
        REPOSITORIES = {"widgets": Counted, "gadgets": Counted}

    uow = Widgets()
    uow._build_repositories("first connection")
    assert built == []
    assert uow.widgets is uow.widgets
    assert built == ["first connection"]

    uow._build_repositories("second connection")
    assert uow.widgets.source == "second connection"
    assert built == ["first connection", "second connection"]


def test_a_name_no_context_registers_is_still_an_attribute_error() -> None:
    uow = _widgets_mixin()()
    uow._build_repositories("the store")
    with pytest.raises(AttributeError, match="no attribute 'gizmos'"):
        uow.gizmos  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(_widgets_mixin()(), "widgets")  # nothing to build from yet
