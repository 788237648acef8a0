"""Use case: exchange an email and password for an access and refresh token."""

from __future__ import annotations

from datetime import timedelta

from application.accounts.commands import LogInCommand
from application.accounts.sessions import add_refresh_token, auth_session
from application.accounts.views import AuthSession
from application.ports import AccessTokens, Clock, PasswordHasher, SecretTokens, UnitOfWork
from domain.accounts import LOGIN_FAILURE_WINDOW, ensure_login_allowed, login_throttle_key
from domain.errors import InvalidCredentials


class LogIn:
    """Check credentials under the login rate limit and open a new login (refresh family)."""

    def __init__(
        self,
        uow: UnitOfWork,
        read_uow: UnitOfWork,
        hasher: PasswordHasher,
        secrets: SecretTokens,
        access_tokens: AccessTokens,
        clock: Clock,
        refresh_ttl: timedelta,
    ) -> None:
        self._uow = uow
        self._read_uow = read_uow
        self._hasher = hasher
        self._secrets = secrets
        self._access_tokens = access_tokens
        self._clock = clock
        self._refresh_ttl = refresh_ttl

    async def __call__(self, cmd: LogInCommand) -> AuthSession:
        """Log in, or raise RateLimited / InvalidCredentials / EmailNotVerified /
        AccountDeactivated."""
        # No format check: a malformed email is just one that matches no account (401).
        email = cmd.email.strip().lower()
        key = login_throttle_key(email, cmd.client_ip)

        # Read-only and short: argon2 verification below holds no connection, and reading
        # takes no write lock (SQLite) and no transaction (Postgres autocommit).
        async with self._read_uow as uow:
            now = self._clock.now()
            failures = await uow.login_attempts.failures_since(key, now - LOGIN_FAILURE_WINDOW)
            ensure_login_allowed(failures, now)
            user = await uow.users.get_by_email(email)
        stored_hash = user.password_hash if user is not None else None
        # With None the hasher checks a dummy hash, so unknown emails cost the same time.
        password_ok = await self._hasher.verify(stored_hash, cmd.password)

        async with self._uow as uow:
            now = self._clock.now()
            current = await uow.users.get_by_email(email) if password_ok else None
            # A password changed since the read above no longer proves anything.
            if current is None or current.password_hash != stored_hash:
                await uow.login_attempts.record_failure(key, now)
                # Commit before raising: the failure must count even though the call fails.
                await uow.commit()
                raise InvalidCredentials()
            # Only after the password is proven, so these 403s don't reveal accounts.
            current.ensure_can_log_in()
            # Forget the failures this login was checked against. With none there is nothing
            # to delete (most logins); failures recorded while this password was being
            # verified are kept, which only makes the limit stricter.
            if failures:
                await uow.login_attempts.clear(key)
            refresh, token = await add_refresh_token(
                uow, self._secrets, current, now, self._refresh_ttl
            )
            await uow.commit()
        return auth_session(self._access_tokens, current, refresh, token.family_id, now)
