"""API keys: credentials for machine clients (a static site's script), and what each may reach.

A key reads `hxk_<prefix>_<secret>`: the 8-hex prefix finds its row, and only the SHA-256 of
the whole key is stored, compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from uuid import UUID

from domain.counters import is_counter_name
from domain.errors import ApiKeyScopeDenied, FieldError, InvalidApiKey, ValidationFailed

KEY_MARK = "hxk"
PREFIX_LENGTH = 8
# token_urlsafe(24) is 192 random bits in 32 characters: well above the 128 required.
SECRET_BYTES = 24
MAX_KEY_LENGTH = 128
_KEY = re.compile(rf"^{KEY_MARK}_([0-9a-f]{{{PREFIX_LENGTH}}})_[A-Za-z0-9_-]{{16,96}}$")

API_KEY_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_NAME = re.compile(API_KEY_NAME_PATTERN)
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9-]{1,63}$")
MAX_SCOPES = 100
# last_used_at is written at most this often per key: reading a key costs no write per hit.
TOUCH_INTERVAL = timedelta(minutes=1)


def key_prefix(key: str) -> str | None:
    """The prefix of a well-formed key, None for anything else (no lookup is worth it)."""
    if len(key) > MAX_KEY_LENGTH:
        return None
    match = _KEY.fullmatch(key)
    return match[1] if match else None


def key_digest(key: str) -> str:
    """SHA-256 hex of the key: keys are high-entropy, so a fast hash is safe to store."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def compose_key(prefix: str, secret: str) -> str:
    """The key a client sends, from its random prefix and secret."""
    return f"{KEY_MARK}_{prefix}_{secret}"


def parse_origin(origin: str) -> str:
    """`scheme://host[:port]` normalised (lower-case, no default port), or ValueError."""
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or parts.path or parts.query or parts.fragment:
        raise ValueError(origin)
    if parts.username is not None or parts.password is not None or not parts.hostname:
        raise ValueError(origin)
    if not _HOST.fullmatch(parts.hostname):
        raise ValueError(origin)
    port = parts.port  # raises ValueError when it is not a number in range
    default = {"http": 80, "https": 443}[parts.scheme]
    suffix = f":{port}" if port is not None and port != default else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{suffix}"


def _check(name: str, counters: tuple[str, ...], origins: tuple[str, ...]) -> tuple[str, ...]:
    errors = []
    if not _NAME.fullmatch(name):
        errors.append(
            FieldError("name", "1 to 64 letters, digits, '.', '_' or '-', starting alphanumeric")
        )
    bad_counters = [c for c in counters if not is_counter_name(c)]
    if bad_counters or len(counters) > MAX_SCOPES:
        errors.append(FieldError("counters", "Counter names are 1 to 64 of a-z, 0-9 and '-'"))
    normalised = []
    for origin in origins:
        try:
            normalised.append(parse_origin(origin))
        except ValueError:
            errors.append(FieldError("origins", f"Not an origin (scheme://host[:port]): {origin}"))
            break
    if len(origins) > MAX_SCOPES:
        errors.append(FieldError("origins", f"At most {MAX_SCOPES} origins"))
    if errors:
        raise ValidationFailed(*errors)
    return tuple(dict.fromkeys(normalised))


@dataclass(frozen=True)
class ApiKey:
    """A key's stored row: its name, prefix, the SHA-256 of the key, and its scopes.

    No counters means every counter; no origins means any caller (browser or not).
    """

    id: UUID
    name: str
    prefix: str
    digest: str = field(repr=False)  # never printed, even as a hash
    counters: tuple[str, ...]
    origins: tuple[str, ...]
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @classmethod
    def create(
        cls,
        key_id: UUID,
        name: str,
        key: str,
        counters: tuple[str, ...],
        origins: tuple[str, ...],
        now: datetime,
    ) -> ApiKey:
        """A new key's row, scopes validated (400 naming `name`, `counters` or `origins`)."""
        normalised = _check(name, counters, origins)
        prefix = key_prefix(key)
        if prefix is None:
            raise ValueError("the key must be made by compose_key")
        scopes = tuple(dict.fromkeys(counters))
        return cls(key_id, name, prefix, key_digest(key), scopes, normalised, now)

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None

    def matches(self, key: str) -> bool:
        """Whether `key` is this key: its digest compared in constant time, and not revoked."""
        return hmac.compare_digest(self.digest, key_digest(key)) and self.active

    def revoke(self, now: datetime) -> ApiKey:
        """The key refused from now on (revoking twice keeps the first time)."""
        return self if self.revoked_at else replace(self, revoked_at=now)

    def needs_touch(self, now: datetime) -> bool:
        """Whether last_used_at is due a write (at most once per TOUCH_INTERVAL)."""
        return self.last_used_at is None or now - self.last_used_at >= TOUCH_INTERVAL

    def allows_counter(self, name: str) -> bool:
        """No counter scope means every counter."""
        return not self.counters or name in self.counters

    def allows_origin(self, origin: str | None) -> bool:
        """A key listing origins refuses a browser from any other; a request without an
        `Origin` (a server, curl) is not a browser's cross-site call and passes."""
        if origin is None or not self.origins:
            return True
        try:
            return parse_origin(origin) in self.origins
        except ValueError:
            return False

    def authorize(self, counter: str, origin: str | None) -> None:
        """Raise ApiKeyScopeDenied (403) unless the key may reach `counter` from `origin`."""
        if not self.allows_counter(counter) or not self.allows_origin(origin):
            raise ApiKeyScopeDenied()


def refuse_key() -> InvalidApiKey:
    """The one 401 for every bad key, so keys can't be probed."""
    return InvalidApiKey()
