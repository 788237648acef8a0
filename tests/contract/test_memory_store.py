"""Contract: every field of the in-memory store is state that a rollback restores.

The store's fields are every registered context's tables; a new one must roll back without
anyone remembering to list it, so these tests walk the fields instead of naming them.
"""

from __future__ import annotations

import copy
from dataclasses import Field, fields

import pytest

from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import MemoryUnitOfWork


def _state_fields(store: MemoryStore) -> list[Field[object]]:
    return [f for f in fields(store) if f.metadata.get("state", True)]


def _change_in_place(name: str, value: object) -> None:
    """Change a table without replacing it, as a repository does."""
    if isinstance(value, dict):
        value[f"changed-{name}"] = "changed"
    elif isinstance(value, list):
        value.append("changed")
    elif isinstance(value, set):
        value.add("changed")
    else:
        pytest.fail(f"teach this test to change the store field {name!r} in place")


def test_only_the_lock_is_not_state() -> None:
    assert [f.name for f in fields(MemoryStore()) if f not in _state_fields(MemoryStore())] == [
        "lock"
    ]


async def test_every_store_field_rolls_back_when_replaced() -> None:
    store = MemoryStore()
    before = {f.name: copy.deepcopy(getattr(store, f.name)) for f in _state_fields(store)}

    async with MemoryUnitOfWork(store):
        for name in before:
            setattr(store, name, object())

    assert {name: getattr(store, name) for name in before} == before


async def test_every_store_field_rolls_back_when_changed_in_place() -> None:
    store = MemoryStore()
    before = {f.name: copy.deepcopy(getattr(store, f.name)) for f in _state_fields(store)}

    async with MemoryUnitOfWork(store):
        for name in before:
            _change_in_place(name, getattr(store, name))
        assert all(getattr(store, name) != before[name] for name in before)

    assert {name: getattr(store, name) for name in before} == before


async def test_every_store_field_keeps_committed_changes_and_drops_later_ones() -> None:
    store = MemoryStore()

    async with MemoryUnitOfWork(store) as uow:
        for f in _state_fields(store):
            _change_in_place(f.name, getattr(store, f.name))
        await uow.commit()
        committed = {f.name: copy.deepcopy(getattr(store, f.name)) for f in _state_fields(store)}
        for name in committed:
            _change_in_place(f"{name}-again", getattr(store, name))

    assert {name: getattr(store, name) for name in committed} == committed
