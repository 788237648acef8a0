"""The accounts context in SQL: its tables, repositories, and what a unit of work builds."""

from __future__ import annotations

from adapters.sqlalchemy.accounts.repositories import SqlLoginAttemptLog, SqlUserRepository
from adapters.sqlalchemy.accounts.tokens import SqlOneTimeTokenRepository, SqlRefreshTokenRepository
from adapters.sqlalchemy.registry import SqlContextRepositories
from application.accounts.ports import (
    LoginAttemptLog,
    OneTimeTokenRepository,
    RefreshTokenRepository,
    UserRepository,
)


class SqlAccountsRepositories(SqlContextRepositories):
    """The accounts repositories of a SQL unit of work."""

    users: UserRepository
    one_time_tokens: OneTimeTokenRepository
    refresh_tokens: RefreshTokenRepository
    login_attempts: LoginAttemptLog

    REPOSITORIES = {
        "users": lambda s: SqlUserRepository(s.connection, s.dialect, s.reader),
        "one_time_tokens": lambda s: SqlOneTimeTokenRepository(s.connection),
        "refresh_tokens": lambda s: SqlRefreshTokenRepository(s.connection),
        "login_attempts": lambda s: SqlLoginAttemptLog(s.connection, s.reader, s.dialect),
    }
