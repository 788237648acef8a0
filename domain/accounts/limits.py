"""How often logins, password changes and account emails may be attempted, and the keys
attempts are counted under."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain.accounts.tokens import TokenPurpose
from domain.addresses import counted_address
from domain.errors import RateLimited


@dataclass(frozen=True)
class AttemptLimit:
    """At most `max_attempts` attempts under one key within a sliding `window`."""

    max_attempts: int
    window: timedelta

    def retry_after(self, attempts: list[datetime], now: datetime) -> int:
        """Whole seconds until the oldest counted attempt leaves the window (at least 1)."""
        recent = sorted(at for at in attempts if at > now - self.window)
        if len(recent) < self.max_attempts:
            return 1
        # The window frees a slot when the oldest counted attempt expires.
        wait = recent[-self.max_attempts] + self.window - now
        return max(1, int(wait.total_seconds()) + 1)


# Login throttling: after this many failures for one email and client within the window,
# further attempts are refused until the oldest failure leaves the window. Attempts are
# reserved before the password is checked, so a burst cannot get more checks than this.
LOGIN_MAX_FAILURES = 5
LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
LOGIN_LIMIT = AttemptLimit(LOGIN_MAX_FAILURES, LOGIN_FAILURE_WINDOW)
# One client address trying many emails (credential stuffing, or exhausting the hashing
# queue with unknown emails): 20 failures across all emails per 15 minutes. Large enough
# for an office behind one NAT address mistyping now and then.
LOGIN_ADDRESS_LIMIT = AttemptLimit(20, timedelta(minutes=15))
# Wrong current passwords given to POST /me/password, per user.
PASSWORD_CHANGE_LIMIT = AttemptLimit(5, timedelta(minutes=15))
# Verification and reset emails per account and kind: the endpoints answer 202 regardless.
ACCOUNT_EMAIL_LIMIT = AttemptLimit(3, timedelta(hours=1))


def ensure_login_allowed(failures: list[datetime], now: datetime) -> None:
    """Raise RateLimited when recent failures reach the limit."""
    recent = [at for at in failures if at > now - LOGIN_FAILURE_WINDOW]
    if len(recent) >= LOGIN_MAX_FAILURES:
        raise RateLimited(LOGIN_LIMIT.retry_after(recent, now))


def _counted(client_ip: str | None) -> str:
    return counted_address(client_ip) if client_ip else "-"


def login_throttle_key(email: str, client_ip: str | None) -> str:
    """The key failures are counted under: the normalized email and the client address (an
    IPv6 client's /64 network, see domain/addresses.py)."""
    return f"{email.strip().lower()}|{_counted(client_ip)}"


def login_address_key(client_ip: str | None) -> str:
    """The key one client address's (or IPv6 network's) failures across every email are
    counted under."""
    return f"address|{_counted(client_ip)}"


def password_change_key(user_id: UUID) -> str:
    """The key wrong current passwords of one user are counted under."""
    return f"password|{user_id}"


def account_email_key(user_id: UUID, purpose: TokenPurpose) -> str:
    """The key mailed tokens of one kind for one account are counted under."""
    return f"mail:{purpose.value}|{user_id}"
