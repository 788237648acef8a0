"""Use case: exchange an email and password for an access and refresh token."""

from __future__ import annotations

from datetime import timedelta

from application.accounts.commands import LogInCommand
from application.accounts.ports import (
    AccessTokens,
    AccountsUnitOfWork,
    PasswordHasher,
    SecretTokens,
)
from application.accounts.sessions import add_refresh_token, auth_session
from application.accounts.throttling import ensure_not_full, release_attempts, reserve_attempts
from application.accounts.views import AuthSession
from application.shared.ports import Clock
from domain.accounts import (
    LOGIN_ADDRESS_LIMIT,
    LOGIN_LIMIT,
    login_address_key,
    login_throttle_key,
)
from domain.errors import DomainError, InvalidCredentials


class LogIn:
    """Check credentials under the login rate limit and open a new login (refresh family)."""

    def __init__(
        self,
        uow: AccountsUnitOfWork,
        read_uow: AccountsUnitOfWork,
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
        limits = [(key, LOGIN_LIMIT), (login_address_key(cmd.client_ip), LOGIN_ADDRESS_LIMIT)]

        # Read-only and short: a client already over a limit is refused without a write
        # (no write lock on SQLite, no transaction on Postgres), and the user is read here.
        async with self._read_uow as uow:
            await ensure_not_full(uow, limits, self._clock.now())
            user = await uow.users.get_by_email(email)
        stored_hash = user.password_hash if user is not None else None

        # The attempt is counted before the password is checked, atomically per key, so a
        # burst can't verify more passwords than the limit allows; it stays counted as a
        # failure unless the login succeeds.
        async with self._uow as uow:
            reserved = await reserve_attempts(uow, limits, self._clock.now())
            await uow.commit()
        try:
            # With None the hasher checks a dummy hash, so unknown emails cost the same time.
            password_ok = await self._hasher.verify(stored_hash, cmd.password)
        except BaseException:
            # Never checked (hashing queue full, cancelled): the attempt was no failure.
            await self._release(reserved)
            raise
        if not password_ok:
            raise InvalidCredentials()

        async with self._uow as uow:
            now = self._clock.now()
            current = await uow.users.get_by_email(email)
            # A password changed since the read above no longer proves anything.
            if current is None or current.password_hash != stored_hash:
                raise InvalidCredentials()
            # Only after the password is proven, so these 403s don't reveal accounts.
            try:
                current.ensure_can_log_in()
            except DomainError:
                await release_attempts(uow, reserved)
                await uow.commit()
                raise
            # Forget this email's failures from this client up to this attempt (those made
            # while it was verified keep counting); across emails only this attempt is
            # forgiven, so one good account can't reset the count of a stuffing address.
            await uow.login_attempts.clear(key, up_to=reserved[0])
            await release_attempts(uow, reserved[1:])
            refresh, token = await add_refresh_token(
                uow, self._secrets, current, now, self._refresh_ttl
            )
            await uow.commit()
        return auth_session(self._access_tokens, current, refresh, token.family_id, now)

    async def _release(self, reserved: list[int]) -> None:
        async with self._uow as uow:
            await release_attempts(uow, reserved)
            await uow.commit()
