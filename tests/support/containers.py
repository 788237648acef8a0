"""Test wiring for the production container: in-memory adapters through `override`.

The composition root never imports a fake; tests swap them in here.
"""

from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers

from adapters.memory.counters import MemoryCounterStore
from adapters.memory.storage import MemoryObjectStorage
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import MemoryUnitOfWork
from entrypoints.containers import Container
from tests.support.fakes import FastPasswordHasher, RecordingMailer


def memory_adapters(store: MemoryStore) -> containers.DynamicContainer:
    """Persistence, hashing, mail, file storage and counters in memory, named like the core
    providers they replace (an overriding container may name nothing the overridden one lacks)."""
    fakes = containers.DynamicContainer()
    fakes.uow = providers.Factory(MemoryUnitOfWork, store)
    fakes.read_uow = providers.Factory(MemoryUnitOfWork, store, read_only=True)
    fakes.hasher = providers.Singleton(FastPasswordHasher)
    fakes.mailer = providers.Singleton(RecordingMailer)
    fakes.storage = providers.Singleton(MemoryObjectStorage)
    fakes.counter_store = providers.Singleton(MemoryCounterStore)
    return fakes


def use_memory_adapters(container: Container, store: MemoryStore | None = None) -> MemoryStore:
    """Swap persistence, hashing, mail and file storage for in-memory fakes (tests and specs).

    Returns the store so callers can inspect what was committed.
    """
    store = store or MemoryStore()
    container.core.override(memory_adapters(store))
    return store


def use_case_provider(container: Container, name: str) -> providers.Provider[Any]:
    """The provider called `name` in whichever context container has it (not `core`)."""
    for context_name, context in container.providers.items():
        if context_name == "core" or not isinstance(context, providers.Container):
            continue
        found = context.container.providers.get(name)
        if found is not None:
            return found
    raise AttributeError(f"no context container provides {name!r}")
