"""Access tokens as HS256 JWTs (PyJWT), validated against the caller's clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import jwt
import msgspec
from jwt.algorithms import HMACAlgorithm

from domain.accounts import AccessClaims, Role, User
from domain.errors import InvalidAccessToken

_ALGORITHM = "HS256"
_TOKEN_TYPE = "access"
_REQUIRED_CLAIMS = ["sub", "role", "sid", "typ", "iat", "exp", "iss", "jti"]
# How far `iat` and `nbf` may lie in the future: room for clock skew between the instances
# that issue and verify, not enough to mint a token that outlives its lifetime noticeably.
CLOCK_LEEWAY_SECONDS = 10


class _PreparedHmac(HMACAlgorithm):
    """HS256 whose key is checked once: PyJWT re-checks an HMAC key on every call (that it is
    not a PEM, SSH or JSON key), which was a third of verifying a token."""

    def __init__(self, secret: str) -> None:
        super().__init__(HMACAlgorithm.SHA256)
        self._secret = secret
        self._prepared = super().prepare_key(secret)

    def prepare_key(self, key: str | bytes) -> bytes:
        """The prepared secret for our own secret, PyJWT's checks for any other key."""
        if key is self._secret:
            return self._prepared
        return super().prepare_key(key)


def _signer(secret: str) -> jwt.PyJWS:
    signer = jwt.PyJWS(algorithms=[_ALGORITHM])
    signer.unregister_algorithm(_ALGORITHM)
    signer.register_algorithm(_ALGORITHM, _PreparedHmac(secret))
    return signer


class JwtAccessTokens:
    """Signs and verifies short-lived access tokens with a shared secret."""

    def __init__(self, secret: str, ttl_seconds: int, issuer: str = "hexashop") -> None:
        if not secret:
            raise ValueError("the JWT secret must not be empty")
        if ttl_seconds <= 0:
            raise ValueError("the access token lifetime must be positive")
        self._secret = secret
        self._ttl_seconds = ttl_seconds
        self._issuer = issuer
        # PyJWS signs and verifies (algorithm allow-list included); the claims are checked
        # below, as PyJWT's decode would, plus our own rules.
        self._signer = _signer(secret)

    @property
    def ttl_seconds(self) -> int:
        """How long an access token lives."""
        return self._ttl_seconds

    def issue(self, user: User, session_id: UUID, now: datetime) -> str:
        """A signed access token for the user, valid from `now` for the configured lifetime."""
        # Fractional NumericDates (allowed by RFC 7519) keep `issued_at` exactly `now`, so
        # comparing it with `tokens_valid_after` is not off by a truncated second.
        issued_at = now.timestamp()
        payload = {
            "sub": str(user.id),
            "role": user.role.value,
            "sid": str(session_id),
            "typ": _TOKEN_TYPE,
            "iat": issued_at,
            "exp": issued_at + self._ttl_seconds,
            "iss": self._issuer,
            "jti": uuid4().hex,
        }
        return self._signer.encode(msgspec.json.encode(payload), self._secret, _ALGORITHM)

    def decode(self, token: str, now: datetime) -> AccessClaims:
        """Verify signature, algorithm, issuer, type, expiry, `iat` and `nbf` at `now`, or raise."""
        try:
            signed = self._signer.decode_complete(token, self._secret, algorithms=[_ALGORITHM])
            return self._claims(msgspec.json.decode(signed["payload"]), now)
        except (jwt.PyJWTError, msgspec.DecodeError, ValueError, TypeError, KeyError) as exc:
            # The reason stays in the chain for debugging; the token itself is never logged.
            raise InvalidAccessToken() from exc

    def _claims(self, payload: Any, now: datetime) -> AccessClaims:
        if not isinstance(payload, dict):
            raise TypeError("the claims are not a JSON object")
        missing = [claim for claim in _REQUIRED_CLAIMS if payload.get(claim) is None]
        if missing:
            raise KeyError(f"missing claims: {missing}")
        if payload["iss"] != self._issuer:
            raise ValueError("wrong issuer")
        if payload["typ"] != _TOKEN_TYPE:
            raise ValueError("not an access token")
        issued_at, expires_at = payload["iat"], payload["exp"]
        if not _is_number(issued_at) or not _is_number(expires_at):
            raise ValueError("time claims must be numbers")
        if now.timestamp() >= expires_at:
            raise ValueError("expired")
        # A token "issued" in the future was not issued by us at that time: with a leaked
        # key it would otherwise survive every revocation (tokens_valid_after) until then.
        not_before = payload.get("nbf", issued_at)
        if not _is_number(not_before):
            raise ValueError("nbf must be a number")
        if max(issued_at, not_before) > now.timestamp() + CLOCK_LEEWAY_SECONDS:
            raise ValueError("issued in the future or not yet valid")
        return AccessClaims(
            user_id=UUID(payload["sub"]),
            role=Role(payload["role"]),
            issued_at=datetime.fromtimestamp(issued_at, UTC),
            expires_at=datetime.fromtimestamp(expires_at, UTC),
            session_id=UUID(payload["sid"]),
        )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
