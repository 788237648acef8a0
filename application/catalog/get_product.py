"""Use case: anyone looks at one product."""

from __future__ import annotations

from uuid import UUID

from application.accounts.actor import Actor
from application.catalog.views import ProductView
from application.ports import UnitOfWork


class GetProduct:
    """One product; inactive ones only for staff."""

    def __init__(self, uow: UnitOfWork, currency: str) -> None:
        self._uow = uow
        self._currency = currency

    async def __call__(self, actor: Actor | None, product_id: UUID) -> ProductView:
        """Not implemented yet."""
        raise NotImplementedError
