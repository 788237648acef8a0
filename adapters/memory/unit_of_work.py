"""The in-memory unit of work: one serializable transaction over the store."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Self

from adapters.contexts import MemoryRepositories
from adapters.memory.store import MemoryStore


class MemoryUnitOfWork(MemoryRepositories):
    """A serializable transaction over the in-memory store, carrying every registered
    context's repositories (`adapters/contexts.py`)."""

    def __init__(self, store: MemoryStore, read_only: bool = False) -> None:
        self._store = store
        self._read_only = read_only
        self._build_repositories(store)
        self._snapshot: dict[str, object] | None = None
        self.committed = False

    async def __aenter__(self) -> Self:
        """Take the store lock and remember the state for rollback."""
        await self._store.lock.acquire()
        self._snapshot = self._store.snapshot()
        self.committed = False
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back anything uncommitted, release the lock."""
        try:
            await self.rollback()
        finally:
            self._snapshot = None
            self._store.lock.release()

    async def commit(self) -> None:
        """Keep the changes made so far."""
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        self._snapshot = self._store.snapshot()
        self.committed = True

    async def rollback(self) -> None:
        """Restore the state of the last commit or the transaction start."""
        if self._snapshot is not None:
            self._store.restore(self._snapshot)


if TYPE_CHECKING:
    from application.accounts.ports import AccountsUnitOfWork
    from application.blog.ports import BlogUnitOfWork
    from application.catalog.ports import CatalogUnitOfWork
    from application.media.ports import MediaUnitOfWork
    from application.messaging.ports import MessagingUnitOfWork
    from application.ordering.ports import OrderingUnitOfWork

    def _serves_every_context(uow: MemoryUnitOfWork) -> None:
        """Never called: mypy checks here that the unit of work fits every context's port."""
        accounts: AccountsUnitOfWork = uow
        catalog: CatalogUnitOfWork = uow
        ordering: OrderingUnitOfWork = uow
        messaging: MessagingUnitOfWork = uow
        media: MediaUnitOfWork = uow
        blog: BlogUnitOfWork = uow
        del accounts, catalog, ordering, messaging, media, blog
