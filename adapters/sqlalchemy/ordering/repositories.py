"""SQL repositories for ordering and payments: orders with their lines, payments, and the
provider events already processed."""

from __future__ import annotations

import builtins
import functools
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Uuid,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from adapters.sqlalchemy.mapping import EntityMapping, enum_codec
from adapters.sqlalchemy.metadata import Cents, UTCDateTime
from adapters.sqlalchemy.ordering.tables import order_lines, orders, payments, processed_events
from adapters.sqlalchemy.paging import (
    after_cursor,
    after_value,
    bounded_count,
    ordered,
    page_params,
)
from adapters.sqlalchemy.reader import ReadConnection, Reader, Row
from application.ordering.ports import ORDER_SORT_VALUES, IdempotencyKeyTaken, OrderQuery
from application.shared.paging import Page, fetched_page
from domain.ordering import Order, OrderLine, OrderStatus
from domain.payments import Payment, PaymentStatus

# --- orders ----------------------------------------------------------------------------------


# Built at import, where they check that the entities' fields and the tables' columns match.
# An order's lines live in their own table; a line's place in it is the table's own.
_ORDER = EntityMapping(
    Order, orders, codecs={"status": enum_codec(OrderStatus)}, elsewhere=("lines",)
)
_LINE = EntityMapping(OrderLine, order_lines, table_only=("order_id", "position"))
_PAYMENT = EntityMapping(Payment, payments, codecs={"status": enum_codec(PaymentStatus)})


# Built once: a statement object reused keeps its cache key, so SQLAlchemy skips rebuilding it
# per request (the values travel as parameters).
_INSERT_ORDER = {
    name: dialect_insert(orders)
    .on_conflict_do_nothing(index_elements=[orders.c.user_id, orders.c.idempotency_key])
    .returning(orders.c.id)
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}
_INSERT_LINES = insert(order_lines)

_ORDER_SORT_COLUMNS = {"createdAt": orders.c.created_at, "totalCents": orders.c.total_cents}
# A cursor's sort value binds with its column's type (UTCDateTime checks the zone).
_CURSOR_TYPES: dict[str, Any] = {"createdAt": UTCDateTime(), "totalCents": Cents()}


@functools.lru_cache(maxsize=64)
def _list_statements(
    by_user: bool, by_status: bool, sort_field: str, descending: bool, cursor: bool
) -> tuple[Select[Any], Select[Any]]:
    """The page and count statements of one shape of order list, built once; the user,
    status, cursor and paging values travel as bind parameters.

    A customer's list newest first, the common shape, is a range scan of the
    (user_id, created_at) index however deep its cursor (on Postgres: Index Cond on user_id
    and `created_at <=` the cursor's, the id tie-break an incremental sort of the rows that
    share a timestamp); the count stops at the count limit."""
    conditions: builtins.list[ColumnElement[bool]] = []
    if by_user:
        conditions.append(orders.c.user_id == bindparam("user_id", type_=Uuid()))
    if by_status:
        conditions.append(orders.c.status == bindparam("status", type_=String()))
    key = _ORDER_SORT_COLUMNS[sort_field]
    page_conditions = list(conditions)
    if cursor:
        value_key = after_value(_CURSOR_TYPES[sort_field])
        page_conditions.append(after_cursor(key, value_key, orders.c.id, descending))
    page_stmt = (
        select(orders)
        .where(*page_conditions)
        .order_by(*ordered(key, orders.c.id, descending))
        .offset(bindparam("offset", type_=Integer))
        .limit(bindparam("limit", type_=Integer))
    )
    return page_stmt, bounded_count(orders.c.id, conditions)


class SqlOrderRepository:
    """Orders in `orders`, their lines in `order_lines` (in the order they were placed)."""

    def __init__(self, session: ReadConnection, dialect: str, reader: Reader) -> None:
        self._session = session
        self._dialect = dialect
        self._reader = reader

    async def _with_lines(self, rows: Sequence[Row]) -> builtins.list[Order]:
        """Attach lines to already loaded order rows with one more statement, whatever their
        number (no N+1)."""
        if not rows:
            return []
        stmt = (
            select(order_lines)
            .where(order_lines.c.order_id.in_([row["id"] for row in rows]))
            .order_by(order_lines.c.order_id, order_lines.c.position)
        )
        lines: dict[UUID, builtins.list[OrderLine]] = defaultdict(list)
        for line in (await self._session.execute(stmt)).mappings():
            lines[line["order_id"]].append(_LINE.entity(line))
        return [_ORDER.entity(row, lines=lines[row["id"]]) for row in rows]

    async def _one(self, stmt: Select[Any]) -> Order | None:
        row = (await self._session.execute(stmt)).mappings().first()
        if row is None:
            return None
        return (await self._with_lines([row]))[0]

    async def get(self, order_id: UUID, for_update: bool = False) -> Order | None:
        """The order and its lines; with for_update the order row stays locked (Postgres)
        until the transaction ends. SQLite needs no lock: BEGIN IMMEDIATE already made this
        transaction the only writer."""
        stmt = select(orders).where(orders.c.id == order_id)
        if for_update and self._dialect == "postgresql":
            stmt = stmt.with_for_update()
        return await self._one(stmt)

    async def get_by_idempotency_key(self, user_id: UUID, key: str) -> Order | None:
        """The order this user placed with this key, if any."""
        stmt = select(orders).where(orders.c.user_id == user_id, orders.c.idempotency_key == key)
        return await self._one(stmt)

    async def add(self, order: Order) -> None:
        """Insert the order and its lines; a user's repeated key raises IdempotencyKeyTaken.

        ON CONFLICT DO NOTHING on the (user, key) index instead of catching the unique
        violation: no savepoint round trips, and the transaction stays usable either way. On
        Postgres an insert racing a concurrent one with the same key waits for it, then
        inserts (it rolled back) or does nothing (it committed), exactly like the index would.
        """
        inserted = await self._reader.write(_INSERT_ORDER[self._dialect], _ORDER.values(order))
        if not inserted:
            raise IdempotencyKeyTaken()
        rows = [
            _LINE.values(line, order_id=order.id, position=n) for n, line in enumerate(order.lines)
        ]
        if len(rows) == 1:
            await self._reader.write(_INSERT_LINES, rows[0])
        elif rows:
            # One multi-row INSERT: a single statement whatever the number of lines.
            await self._session.execute(insert(order_lines).values(rows))

    async def update(self, order: Order) -> None:
        """Persist status, updated_at and payment_intent_id; lines never change."""
        await self._session.execute(
            update(orders)
            .where(orders.c.id == order.id)
            .values(_ORDER.update_values(order, ("status", "updated_at", "payment_intent_id")))
        )

    async def list(self, query: OrderQuery) -> Page[Order]:
        """One page with every line, in three statements: orders (one more than the page,
        to know whether another follows), their lines, the total (counted up to the count
        limit)."""
        page_stmt, count_stmt = _list_statements(
            query.user_id is not None,
            query.status is not None,
            query.sort.field,
            query.sort.descending,
            query.page.cursor is not None,
        )
        params = page_params(query.page)
        if query.user_id is not None:
            params["user_id"] = query.user_id
        if query.status is not None:
            params["status"] = query.status.value
        rows = (await self._session.execute(page_stmt, params)).mappings().all()
        items = await self._with_lines(rows)
        total = (await self._session.execute(count_stmt, params)).scalar_one()
        return fetched_page(
            items, query.page, query.sort, int(total), ORDER_SORT_VALUES[query.sort.field]
        )

    async def list_expired(self, now: datetime, limit: int) -> Sequence[Order]:
        """Pending orders past their deadline, oldest deadline first; on Postgres locked with
        SKIP LOCKED, so concurrent expiry runs share the work instead of doubling it."""
        stmt = (
            select(orders)
            .where(orders.c.status == OrderStatus.PENDING.value, orders.c.expires_at <= now)
            .order_by(orders.c.expires_at, orders.c.id)
            .limit(limit)
        )
        if self._dialect == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        return await self._with_lines((await self._session.execute(stmt)).mappings().all())


# --- payments --------------------------------------------------------------------------------


class SqlPaymentRepository:
    """Payment intents in `payments`, one per order."""

    def __init__(self, session: ReadConnection) -> None:
        self._session = session

    async def _one(self, condition: ColumnElement[bool]) -> Payment | None:
        stmt = select(payments).where(condition)
        row = (await self._session.execute(stmt)).mappings().first()
        return _PAYMENT.entity(row) if row else None

    async def get_for_order(self, order_id: UUID) -> Payment | None:
        """The order's payment, if one was started."""
        return await self._one(payments.c.order_id == order_id)

    async def get_by_intent(self, intent_id: str) -> Payment | None:
        """The payment with this provider intent id."""
        return await self._one(payments.c.intent_id == intent_id)

    async def add(self, payment: Payment) -> None:
        """Insert (the order id is the primary key: one per order)."""
        await self._session.execute(insert(payments).values(_PAYMENT.values(payment)))

    async def update(self, payment: Payment) -> None:
        """Persist status and updated_at."""
        await self._session.execute(
            update(payments)
            .where(payments.c.order_id == payment.order_id)
            .values(_PAYMENT.update_values(payment, ("status", "updated_at")))
        )


# --- processed provider events ---------------------------------------------------------------


class SqlProcessedEvents:
    """Provider event ids in `processed_events`, recorded in the transaction of their effect."""

    def __init__(self, session: ReadConnection, dialect: str) -> None:
        self._session = session
        self._dialect = dialect

    async def record(self, event_id: str, event_type: str, outcome: str, at: datetime) -> bool:
        """INSERT ... ON CONFLICT DO NOTHING RETURNING: False when the id was already there.

        On Postgres a concurrent insert of the same id waits for the first transaction and then
        does nothing; SQLite runs writers one at a time. Either way exactly one wins.
        """
        dialect_insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert
        stmt = (
            dialect_insert(processed_events)
            .values(event_id=event_id, event_type=event_type, outcome=outcome, processed_at=at)
            .on_conflict_do_nothing(index_elements=[processed_events.c.event_id])
            .returning(processed_events.c.event_id)
        )
        return (await self._session.execute(stmt)).first() is not None
