"""SQL repositories for accounts: users, and the attempts the login throttle counts."""

from __future__ import annotations

import builtins
import functools
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from adapters.sqlalchemy.accounts.tables import login_failures, users
from adapters.sqlalchemy.mapping import Codec, EntityMapping, enum_codec
from adapters.sqlalchemy.metadata import UTCDateTime
from adapters.sqlalchemy.paging import (
    after_cursor,
    after_value,
    bounded_count,
    ordered,
    page_params,
)
from adapters.sqlalchemy.reader import ReadConnection, Reader, writable
from adapters.sqlalchemy.statements import like_pattern
from application.accounts.ports import USER_SORT_VALUES, UserQuery
from application.shared.paging import Page, fetched_page
from domain.accounts import Role, Tier, User
from domain.errors import EmailAlreadyRegistered

# --- users -----------------------------------------------------------------------------------


# Built at import, where it checks that User's fields and the table's columns match.
_USER = EntityMapping(
    User,
    users,
    codecs={"email": Codec(encode=str.lower), "role": enum_codec(Role), "tier": enum_codec(Tier)},
)


# Built once: constructing a select costs more than executing a cached one, and these two run
# on every authenticated request and every login.
_USER_BY_ID = select(users).where(users.c.id == bindparam("user_id"))
_USER_BY_EMAIL = select(users).where(users.c.email == bindparam("email"))


def _sort_key(dialect: str, field: str, value: ColumnElement[Any] | None = None) -> Any:
    """The ORDER BY expression of a sort field; with `value`, the same expression of a
    cursor's value, so a keyset comparison uses exactly the order the page was sorted in."""
    if field == "createdAt":
        return users.c.created_at if value is None else value
    key: ColumnElement[Any]
    if field == "email":
        key = users.c.email if value is None else value
    else:
        key = func.lower(func.coalesce(users.c.name if value is None else value, ""))
    # Byte order, like Python's str comparison, whatever the database's locale is.
    return key.collate("C") if dialect == "postgresql" else key


_CURSOR_TYPES: dict[str, Any] = {"createdAt": UTCDateTime(), "email": String(), "name": String()}


@functools.lru_cache(maxsize=128)
def _list_statements(
    dialect: str,
    search: bool,
    by_role: bool,
    active: bool | None,
    sort_field: str,
    descending: bool,
    cursor: bool,
) -> tuple[Select[Any], Select[Any]]:
    """The page and count statements of one shape of user list, built once; the search
    pattern, role, cursor and paging values travel as bind parameters. The count stops at
    the count limit; with a cursor the page starts after the cursor's row."""
    conditions: builtins.list[ColumnElement[bool]] = []
    if search:
        pattern = bindparam("pattern", type_=String())
        conditions.append(
            or_(
                func.lower(users.c.email).like(pattern, escape="\\"),
                func.lower(users.c.name).like(pattern, escape="\\"),
            )
        )
    if by_role:
        conditions.append(users.c.role == bindparam("role", type_=String()))
    if active is not None:
        conditions.append(users.c.active.is_(active))
    key = _sort_key(dialect, sort_field)
    page_conditions = list(conditions)
    if cursor:
        value_key = _sort_key(dialect, sort_field, after_value(_CURSOR_TYPES[sort_field]))
        page_conditions.append(after_cursor(key, value_key, users.c.id, descending))
    page_stmt = (
        select(users)
        .where(*page_conditions)
        .order_by(*ordered(key, users.c.id, descending))
        .offset(bindparam("offset", type_=Integer))
        .limit(bindparam("limit", type_=Integer))
    )
    return page_stmt, bounded_count(users.c.id, conditions)


class SqlUserRepository:
    """Users in the `users` table."""

    def __init__(self, session: ReadConnection, dialect: str, reader: Reader) -> None:
        self._session = session
        self._dialect = dialect
        self._reader = reader

    async def get(self, user_id: UUID) -> User | None:
        """The user with this id, if any."""
        row = await self._reader.first(_USER_BY_ID, {"user_id": user_id})
        return _USER.entity(row) if row else None

    async def get_by_email(self, email: str) -> User | None:
        """The user with this email, if any."""
        row = await self._reader.first(_USER_BY_EMAIL, {"email": email.lower()})
        return _USER.entity(row) if row else None

    async def _write_guarding_email(self, stmt: Any) -> None:
        # The savepoint keeps the outer transaction usable after the unique index refuses.
        try:
            async with writable(self._session).begin_nested():
                await self._session.execute(stmt)
        except IntegrityError as exc:
            if "email" in str(exc.orig).lower():
                raise EmailAlreadyRegistered() from exc
            raise

    async def add(self, user: User) -> None:
        """Insert; a duplicate email raises EmailAlreadyRegistered."""
        await self._write_guarding_email(insert(users).values(_USER.values(user)))

    async def update(self, user: User) -> None:
        """Overwrite every field; a duplicate email raises EmailAlreadyRegistered."""
        values = _USER.values(user)
        del values["id"]
        await self._write_guarding_email(update(users).where(users.c.id == user.id).values(values))

    async def delete(self, user_id: UUID) -> None:
        """Delete the user; their tokens go with them (ON DELETE CASCADE)."""
        await self._session.execute(delete(users).where(users.c.id == user_id))

    async def list(self, query: UserQuery) -> Page[User]:
        """Filter, sort (id breaks ties), start after the cursor, page; the total, counted up
        to the count limit, comes from a second statement."""
        page_stmt, count_stmt = _list_statements(
            self._dialect,
            bool(query.search),
            query.role is not None,
            query.active,
            query.sort.field,
            query.sort.descending,
            query.page.cursor is not None,
        )
        params = page_params(query.page)
        if query.search:
            params["pattern"] = like_pattern(query.search.lower())
        if query.role is not None:
            params["role"] = query.role.value
        rows = (await self._session.execute(page_stmt, params)).mappings().all()
        total = (await self._session.execute(count_stmt, params)).scalar_one()
        return fetched_page(
            [_USER.entity(r) for r in rows],
            query.page,
            query.sort,
            int(total),
            USER_SORT_VALUES[query.sort.field],
        )

    async def count_active_admins(self) -> int:
        """Count active admins, locking their rows on Postgres until the transaction ends."""
        active_admin = (users.c.role == Role.ADMIN.value) & users.c.active.is_(True)
        if self._dialect == "postgresql":
            # FOR UPDATE cannot wrap an aggregate, so lock the rows and count them here.
            stmt = select(users.c.id).where(active_admin).with_for_update()
            return len((await self._session.execute(stmt)).all())
        # SQLite: BEGIN IMMEDIATE already made this transaction the only writer.
        count = select(func.count()).select_from(users).where(active_admin)
        return int((await self._session.execute(count)).scalar_one())


# --- login throttling ------------------------------------------------------------------------


# Built once: every login runs failures_since, try_reserve, and clear or release.
_RECORD_FAILURE = insert(login_failures)
_RESERVE = insert(login_failures).returning(login_failures.c.id)
_FAILURES_SINCE = (
    select(login_failures.c.at)
    .where(login_failures.c.key == bindparam("key"), login_failures.c.at > bindparam("since"))
    .order_by(login_failures.c.at, login_failures.c.id)
)
_COUNT_SINCE = select(func.count()).where(
    login_failures.c.key == bindparam("key"), login_failures.c.at > bindparam("since")
)
_FORGET_OLD = delete(login_failures).where(
    login_failures.c.key == bindparam("key"), login_failures.c.at <= bindparam("since")
)
_CLEAR_FAILURES = delete(login_failures).where(login_failures.c.key == bindparam("key"))
_CLEAR_UP_TO = _CLEAR_FAILURES.where(login_failures.c.id <= bindparam("up_to"))
_RELEASE = delete(login_failures).where(login_failures.c.id == bindparam("attempt_id"))
# A transaction-scoped lock on the key's hash: every reservation of one key queues here
# until the reserving transaction ends, so counting and inserting can't interleave. (A
# hash collision only makes two keys wait for each other.)
_LOCK_KEY = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")


class SqlLoginAttemptLog:
    """Attempts (failed or in progress) in `login_failures`."""

    def __init__(self, session: ReadConnection, reader: Reader, dialect: str) -> None:
        self._session = session
        self._reader = reader
        self._dialect = dialect

    async def record_failure(self, key: str, at: datetime) -> None:
        """Remember one failure."""
        await self._session.execute(_RECORD_FAILURE, {"key": key, "at": at})

    async def try_reserve(self, key: str, at: datetime, since: datetime, limit: int) -> int | None:
        """Lock the key (SQLite: writers already hold the database lock), then count and add."""
        if self._dialect == "postgresql":
            await self._session.execute(_LOCK_KEY, {"key": key})
        # Keeps the table at about `limit` rows per active key.
        await self._session.execute(_FORGET_OLD, {"key": key, "since": since})
        counted = (await self._session.execute(_COUNT_SINCE, {"key": key, "since": since})).scalar()
        if (counted or 0) >= limit:
            return None
        row = (await self._session.execute(_RESERVE, {"key": key, "at": at})).one()
        return int(row[0])

    async def release(self, attempt_id: int) -> None:
        """Forget one attempt."""
        await self._session.execute(_RELEASE, {"attempt_id": attempt_id})

    async def failures_since(self, key: str, since: datetime) -> builtins.list[datetime]:
        """Failures under the key strictly after `since`, oldest first."""
        rows = await self._reader.all(_FAILURES_SINCE, {"key": key, "since": since})
        return [row["at"] for row in rows]

    async def clear(self, key: str, up_to: int | None = None) -> None:
        """Forget the key's attempts, or those up to an id."""
        if up_to is None:
            await self._session.execute(_CLEAR_FAILURES, {"key": key})
        else:
            await self._session.execute(_CLEAR_UP_TO, {"key": key, "up_to": up_to})
