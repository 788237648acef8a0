"""SQL repositories: Core statements on the unit of work's session, mapped to domain objects."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Row,
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

from adapters.sqlalchemy.reader import ReadConnection, Reader, writable
from adapters.sqlalchemy.reader import Row as ReaderRow
from adapters.sqlalchemy.tables import (
    login_failures,
    one_time_tokens,
    outbox,
    refresh_tokens,
    users,
)
from application.accounts.ports import UserQuery
from application.shared.paging import Page
from application.shared.ports import OutboxCounts
from domain.accounts import OneTimeToken, RefreshToken, Role, Tier, TokenPurpose, User
from domain.errors import EmailAlreadyRegistered
from domain.messages import EmailMessage, OutboxMessage, OutboxStatus


def _rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with the user's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# --- users -----------------------------------------------------------------------------------


def _user_values(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email.lower(),
        "name": user.name,
        "password_hash": user.password_hash,
        "role": user.role.value,
        "tier": user.tier.value,
        "email_verified": user.email_verified,
        "active": user.active,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
        "tokens_valid_after": user.tokens_valid_after,
    }


def _user(row: ReaderRow) -> User:
    return User(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        password_hash=row["password_hash"],
        role=Role(row["role"]),
        tier=Tier(row["tier"]),
        email_verified=row["email_verified"],
        active=row["active"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        tokens_valid_after=row["tokens_valid_after"],
    )


# Built once: constructing a select costs more than executing a cached one, and these two run
# on every authenticated request and every login.
_USER_BY_ID = select(users).where(users.c.id == bindparam("user_id"))
_USER_BY_EMAIL = select(users).where(users.c.email == bindparam("email"))


class SqlUserRepository:
    """Users in the `users` table."""

    def __init__(self, session: ReadConnection, dialect: str, reader: Reader) -> None:
        self._session = session
        self._dialect = dialect
        self._reader = reader

    async def get(self, user_id: UUID) -> User | None:
        """The user with this id, if any."""
        row = await self._reader.first(_USER_BY_ID, {"user_id": user_id})
        return _user(row) if row else None

    async def get_by_email(self, email: str) -> User | None:
        """The user with this email, if any."""
        row = await self._reader.first(_USER_BY_EMAIL, {"email": email.lower()})
        return _user(row) if row else None

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
        await self._write_guarding_email(insert(users).values(_user_values(user)))

    async def update(self, user: User) -> None:
        """Overwrite every field; a duplicate email raises EmailAlreadyRegistered."""
        values = _user_values(user)
        del values["id"]
        await self._write_guarding_email(update(users).where(users.c.id == user.id).values(values))

    async def delete(self, user_id: UUID) -> None:
        """Delete the user; their tokens go with them (ON DELETE CASCADE)."""
        await self._session.execute(delete(users).where(users.c.id == user_id))

    def _sort_key(self, field: str) -> ColumnElement[Any]:
        if field == "createdAt":
            return users.c.created_at
        key: ColumnElement[Any] = (
            users.c.email if field == "email" else func.lower(func.coalesce(users.c.name, ""))
        )
        # Byte order, like Python's str comparison, whatever the database's locale is.
        return key.collate("C") if self._dialect == "postgresql" else key

    async def list(self, query: UserQuery) -> Page[User]:
        """Filter, sort (id breaks ties), page; the total comes from a second statement."""
        conditions: builtins.list[ColumnElement[bool]] = []
        if query.search:
            pattern = like_pattern(query.search.lower())
            conditions.append(
                or_(
                    func.lower(users.c.email).like(pattern, escape="\\"),
                    func.lower(users.c.name).like(pattern, escape="\\"),
                )
            )
        if query.role is not None:
            conditions.append(users.c.role == query.role.value)
        if query.active is not None:
            conditions.append(users.c.active.is_(query.active))
        key = self._sort_key(query.sort.field)
        order = (key.desc(), users.c.id.desc()) if query.sort.descending else (key, users.c.id)
        page_stmt = (
            select(users)
            .where(*conditions)
            .order_by(*order)
            .offset(query.page.offset)
            .limit(query.page.limit)
        )
        count_stmt = select(func.count()).select_from(users).where(*conditions)
        rows = (await self._session.execute(page_stmt)).mappings().all()
        total = (await self._session.execute(count_stmt)).scalar_one()
        return Page(
            items=[_user(r) for r in rows],
            page=query.page.page,
            limit=query.page.limit,
            total=int(total),
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


# --- tokens ----------------------------------------------------------------------------------


def _one_time_token(row: Row[Any]) -> OneTimeToken:
    return OneTimeToken(
        id=row.id,
        user_id=row.user_id,
        purpose=TokenPurpose(row.purpose),
        token_hash=row.token_hash,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
    )


class SqlOneTimeTokenRepository:
    """Verification and reset tokens in `one_time_tokens`."""

    def __init__(self, session: ReadConnection) -> None:
        self._session = session

    async def add(self, token: OneTimeToken) -> None:
        """Insert a token."""
        await self._session.execute(
            insert(one_time_tokens).values(
                id=token.id,
                user_id=token.user_id,
                purpose=token.purpose.value,
                token_hash=token.token_hash,
                created_at=token.created_at,
                expires_at=token.expires_at,
                used_at=token.used_at,
            )
        )

    async def get_by_hash(self, token_hash: str) -> OneTimeToken | None:
        """The token with this hash, if any."""
        stmt = select(one_time_tokens).where(one_time_tokens.c.token_hash == token_hash)
        row = (await self._session.execute(stmt)).first()
        return _one_time_token(row) if row else None

    async def mark_used(self, token_id: UUID, now: datetime) -> bool:
        """One conditional UPDATE: of concurrent callers, only one sees a row change."""
        stmt = (
            update(one_time_tokens)
            .where(one_time_tokens.c.id == token_id, one_time_tokens.c.used_at.is_(None))
            .values(used_at=now)
        )
        return _rowcount(await self._session.execute(stmt)) == 1

    async def spend_all(self, user_id: UUID, purpose: TokenPurpose, now: datetime) -> None:
        """Mark every unused token of the user for the purpose used."""
        await self._session.execute(
            update(one_time_tokens)
            .where(
                one_time_tokens.c.user_id == user_id,
                one_time_tokens.c.purpose == purpose.value,
                one_time_tokens.c.used_at.is_(None),
            )
            .values(used_at=now)
        )


def _refresh_token(row: Row[Any]) -> RefreshToken:
    return RefreshToken(
        id=row.id,
        user_id=row.user_id,
        family_id=row.family_id,
        token_hash=row.token_hash,
        created_at=row.created_at,
        expires_at=row.expires_at,
        rotated_at=row.rotated_at,
        revoked_at=row.revoked_at,
    )


# Built once, like the user lookups: every login inserts a refresh token.
_ADD_REFRESH_TOKEN = insert(refresh_tokens)


class SqlRefreshTokenRepository:
    """Refresh tokens in `refresh_tokens`."""

    def __init__(self, session: ReadConnection) -> None:
        self._session = session

    async def add(self, token: RefreshToken) -> None:
        """Insert a token."""
        await self._session.execute(
            _ADD_REFRESH_TOKEN,
            {
                "id": token.id,
                "user_id": token.user_id,
                "family_id": token.family_id,
                "token_hash": token.token_hash,
                "created_at": token.created_at,
                "expires_at": token.expires_at,
                "rotated_at": token.rotated_at,
                "revoked_at": token.revoked_at,
            },
        )

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        """The token with this hash, if any."""
        stmt = select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)
        row = (await self._session.execute(stmt)).first()
        return _refresh_token(row) if row else None

    async def claim_for_rotation(self, token_id: UUID, now: datetime) -> bool:
        """One conditional UPDATE; Postgres re-checks the WHERE after a concurrent winner
        commits, SQLite runs writers one at a time, so exactly one claim wins."""
        stmt = (
            update(refresh_tokens)
            .where(
                refresh_tokens.c.id == token_id,
                refresh_tokens.c.rotated_at.is_(None),
                refresh_tokens.c.revoked_at.is_(None),
            )
            .values(rotated_at=now)
        )
        return _rowcount(await self._session.execute(stmt)) == 1

    async def revoke_family(self, family_id: UUID, now: datetime) -> None:
        """Revoke every not-yet-revoked token of one login."""
        await self._session.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    async def revoke_all_for_user(
        self, user_id: UUID, now: datetime, except_family: UUID | None = None
    ) -> None:
        """Revoke the user's tokens, sparing one login if asked."""
        stmt = update(refresh_tokens).where(
            refresh_tokens.c.user_id == user_id, refresh_tokens.c.revoked_at.is_(None)
        )
        if except_family is not None:
            stmt = stmt.where(refresh_tokens.c.family_id != except_family)
        await self._session.execute(stmt.values(revoked_at=now))


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


# --- outbox ----------------------------------------------------------------------------------


def _bookkeeping(message: OutboxMessage) -> dict[str, Any]:
    return {
        "status": message.status.value,
        "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at,
        "sent_at": message.sent_at,
        "provider_message_id": message.provider_message_id,
        "last_error": message.last_error,
    }


def _outbox_message(row: Row[Any]) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        message=EmailMessage(
            to=row.recipient, subject=row.subject, text_body=row.text_body, kind=row.kind
        ),
        status=OutboxStatus(row.status),
        attempts=row.attempts,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
        provider_message_id=row.provider_message_id,
        last_error=row.last_error,
    )


class SqlOutbox:
    """Queued emails in the `outbox` table."""

    def __init__(self, session: ReadConnection, dialect: str) -> None:
        self._session = session
        self._dialect = dialect

    async def add(self, message: OutboxMessage) -> None:
        """Queue a message."""
        await self._session.execute(
            insert(outbox).values(
                id=message.id,
                kind=message.message.kind,
                recipient=message.message.to,
                subject=message.message.subject,
                text_body=message.message.text_body,
                status=message.status.value,
                attempts=message.attempts,
                created_at=message.created_at,
                next_attempt_at=message.next_attempt_at,
                sent_at=message.sent_at,
                provider_message_id=message.provider_message_id,
                last_error=message.last_error,
            )
        )

    async def claim_due(
        self, now: datetime, limit: int, claim_token: UUID, lease_until: datetime
    ) -> builtins.list[OutboxMessage]:
        """Lease due pending messages with a free or expired lease, oldest first.

        Postgres skips rows another claimer has locked (SKIP LOCKED); on SQLite the unit of
        work holds the write lock, which serialises claimers. Commit promptly: the lease, not
        the transaction, is what keeps other dispatchers away while the messages are sent.
        """
        stmt = (
            select(outbox)
            .where(
                outbox.c.status == OutboxStatus.PENDING.value,
                outbox.c.next_attempt_at <= now,
                or_(outbox.c.lease_until.is_(None), outbox.c.lease_until <= now),
            )
            .order_by(outbox.c.created_at, outbox.c.id)
            .limit(limit)
        )
        if self._dialect == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        claimed = [_outbox_message(r) for r in (await self._session.execute(stmt)).all()]
        if claimed:
            await self._session.execute(
                update(outbox)
                .where(outbox.c.id.in_([m.id for m in claimed]))
                .values(claim_token=claim_token, lease_until=lease_until)
            )
        return claimed

    async def record(self, message: OutboxMessage, claim_token: UUID) -> bool:
        """Persist the bookkeeping and free the lease, if the lease is still this claim's."""
        result = await self._session.execute(
            update(outbox)
            .where(outbox.c.id == message.id, outbox.c.claim_token == claim_token)
            .values(**_bookkeeping(message), claim_token=None, lease_until=None)
        )
        return cast(CursorResult[Any], result).rowcount == 1

    async def counts(self, now: datetime) -> OutboxCounts:
        """Due and dead messages, in one scan of the status index."""
        due = func.count().filter(
            outbox.c.status == OutboxStatus.PENDING.value, outbox.c.next_attempt_at <= now
        )
        dead = func.count().filter(outbox.c.status == OutboxStatus.DEAD.value)
        row = (await self._session.execute(select(due, dead))).one()
        return OutboxCounts(due=int(row[0]), dead=int(row[1]))

    async def update(self, message: OutboxMessage) -> None:
        """Persist the delivery bookkeeping."""
        await self._session.execute(
            update(outbox).where(outbox.c.id == message.id).values(**_bookkeeping(message))
        )

    async def get(self, message_id: UUID) -> OutboxMessage | None:
        """One message by id."""
        row = (await self._session.execute(select(outbox).where(outbox.c.id == message_id))).first()
        return _outbox_message(row) if row else None
