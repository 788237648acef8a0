"""Access tokens as HS256 JWTs (PyJWT), validated against the caller's clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
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
# Tokens already verified, by their exact text: a client sends the same token on every
# request of its session, and verifying it again costs about 35 µs (PyJWT checks each
# character against the base64url alphabet, decodes, computes the HMAC; then the claims are
# parsed). Only tokens that passed every check but the time ones are kept; the time checks
# run against `now` on every call. About 1 KiB each at most.
VERIFIED_TOKENS_KEPT = 1024


@dataclass(frozen=True, slots=True)
class _Verified:
    """A token's checked claims and its time claims (seconds), for the per-call checks."""

    claims: AccessClaims
    expires_at: float
    valid_from: float  # the later of iat and nbf


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
        self._verified = lru_cache(maxsize=VERIFIED_TOKENS_KEPT)(self._verify)

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
            verified = self._verified(token)  # raises, and caches nothing, for a bad token
        except (jwt.PyJWTError, msgspec.DecodeError, ValueError, TypeError, KeyError) as exc:
            # The reason stays in the chain for debugging; the token itself is never logged.
            raise InvalidAccessToken() from exc
        if now.timestamp() >= verified.expires_at:
            raise InvalidAccessToken() from ValueError("expired")
        # A token "issued" in the future was not issued by us at that time: with a leaked
        # key it would otherwise survive every revocation (tokens_valid_after) until then.
        if verified.valid_from > now.timestamp() + CLOCK_LEEWAY_SECONDS:
            raise InvalidAccessToken() from ValueError("issued in the future or not yet valid")
        return verified.claims

    def _verify(self, token: str) -> _Verified:
        signed = self._signer.decode_complete(token, self._secret, algorithms=[_ALGORITHM])
        payload = msgspec.json.decode(signed["payload"])
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
        not_before = payload.get("nbf", issued_at)
        if not _is_number(not_before):
            raise ValueError("nbf must be a number")
        claims = AccessClaims(
            user_id=UUID(payload["sub"]),
            role=Role(payload["role"]),
            issued_at=datetime.fromtimestamp(issued_at, UTC),
            expires_at=datetime.fromtimestamp(expires_at, UTC),
            session_id=UUID(payload["sid"]),
        )
        return _Verified(claims, float(expires_at), float(max(issued_at, not_before)))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
