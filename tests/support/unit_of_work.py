"""The unit of work as the adapters offer it: every context's repositories in one transaction."""

from __future__ import annotations

from typing import Protocol

from application.accounts.ports import AccountsUnitOfWork
from application.catalog.ports import CatalogUnitOfWork
from application.messaging.ports import MessagingUnitOfWork
from application.ordering.ports import OrderingUnitOfWork


class AnyUnitOfWork(
    AccountsUnitOfWork, CatalogUnitOfWork, OrderingUnitOfWork, MessagingUnitOfWork, Protocol
):
    """What a test may ask of a unit of work from any adapter: all the contexts' repositories."""
