"""Use case: anyone browses the catalog."""

from __future__ import annotations

from application.accounts.actor import Actor
from application.catalog.commands import ListProductsQuery
from application.catalog.views import ProductView
from application.pagination import Page
from application.ports import UnitOfWork


class ListProducts:
    """Search, filter, sort and page products."""

    def __init__(self, uow: UnitOfWork, currency: str) -> None:
        self._uow = uow
        self._currency = currency

    async def __call__(self, actor: Actor | None, query: ListProductsQuery) -> Page[ProductView]:
        """Not implemented yet."""
        raise NotImplementedError
