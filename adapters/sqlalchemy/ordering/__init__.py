"""The ordering context in SQL: its tables, repositories, and what a unit of work builds."""

from __future__ import annotations

from adapters.sqlalchemy.ordering.repositories import (
    SqlOrderRepository,
    SqlPaymentRepository,
    SqlProcessedEvents,
)
from adapters.sqlalchemy.registry import SqlContextRepositories
from application.ordering.ports import OrderRepository, PaymentRepository, ProcessedEvents


class SqlOrderingRepositories(SqlContextRepositories):
    """The ordering repositories of a SQL unit of work (users and products are their
    contexts' own)."""

    orders: OrderRepository
    payments: PaymentRepository
    processed_events: ProcessedEvents

    REPOSITORIES = {
        "orders": lambda s: SqlOrderRepository(s.connection, s.dialect, s.reader),
        "payments": lambda s: SqlPaymentRepository(s.connection),
        "processed_events": lambda s: SqlProcessedEvents(s.connection, s.dialect),
    }
