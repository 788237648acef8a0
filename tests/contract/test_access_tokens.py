"""Contract of the AccessTokens port (HS256 JWTs)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import jwt
import pytest

from adapters.jwt_tokens import VERIFIED_TOKENS_KEPT, JwtAccessTokens
from domain.accounts import Role, User
from domain.errors import InvalidAccessToken

SECRET = "a-test-secret-long-enough-for-every-hmac-algorithm-even-hs512-0123456789"
NOW = datetime(2026, 1, 31, 12, 0, 0, 250_000, tzinfo=UTC)
TTL = 900


@pytest.fixture
def tokens() -> JwtAccessTokens:
    """The adapter with a known secret."""
    return JwtAccessTokens(secret=SECRET, ttl_seconds=TTL)


@pytest.fixture
def user() -> User:
    """An editor to issue tokens for."""
    return User.register("eve@example.com", "hash", NOW, role=Role.EDITOR, email_verified=True)


def _claims(user: User, **overrides: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "sub": str(user.id),
        "role": user.role.value,
        "sid": str(uuid4()),
        "typ": "access",
        "iat": NOW.timestamp(),
        "exp": NOW.timestamp() + TTL,
        "iss": "hexashop",
        "jti": uuid4().hex,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_issued_token_decodes_to_the_users_claims(tokens: JwtAccessTokens, user: User) -> None:
    session_id = uuid4()

    claims = tokens.decode(tokens.issue(user, session_id, NOW), NOW + timedelta(seconds=1))

    assert claims.user_id == user.id
    assert claims.role is Role.EDITOR
    assert claims.session_id == session_id
    assert claims.issued_at == NOW
    assert claims.expires_at == NOW + timedelta(seconds=TTL)
    assert tokens.ttl_seconds == TTL


def test_token_carries_the_standard_claims(tokens: JwtAccessTokens, user: User) -> None:
    token = tokens.issue(user, uuid4(), NOW)

    header = jwt.get_unverified_header(token)
    payload = jwt.decode(token, options={"verify_signature": False})
    assert header["alg"] == "HS256"
    assert payload["typ"] == "access" and payload["iss"] == "hexashop"
    assert set(payload) == {"sub", "role", "sid", "typ", "iat", "exp", "iss", "jti"}


def test_every_token_has_its_own_id(tokens: JwtAccessTokens, user: User) -> None:
    session_id = uuid4()
    first, second = tokens.issue(user, session_id, NOW), tokens.issue(user, session_id, NOW)

    ids = {jwt.decode(t, options={"verify_signature": False})["jti"] for t in (first, second)}

    assert len(ids) == 2


def test_token_is_valid_until_just_before_expiry(tokens: JwtAccessTokens, user: User) -> None:
    token = tokens.issue(user, uuid4(), NOW)

    claims = tokens.decode(token, NOW + timedelta(seconds=TTL - 1))

    assert claims.user_id == user.id


@pytest.mark.parametrize("after", [timedelta(seconds=TTL), timedelta(days=1)])
def test_expired_token_is_rejected(tokens: JwtAccessTokens, user: User, after: timedelta) -> None:
    token = tokens.issue(user, uuid4(), NOW)

    with pytest.raises(InvalidAccessToken):
        tokens.decode(token, NOW + after)


def test_expiry_follows_the_given_clock_not_the_wall_clock(user: User) -> None:
    tokens = JwtAccessTokens(secret=SECRET, ttl_seconds=TTL)
    long_ago = datetime(2001, 1, 1, tzinfo=UTC)

    claims = tokens.decode(tokens.issue(user, uuid4(), long_ago), long_ago)

    assert claims.issued_at == long_ago


def test_tampered_payload_is_rejected(tokens: JwtAccessTokens, user: User) -> None:
    header, _, signature = tokens.issue(user, uuid4(), NOW).split(".")
    forged = ".".join([header, _b64(_claims(user, role="admin")), signature])

    with pytest.raises(InvalidAccessToken):
        tokens.decode(forged, NOW)


def test_tampered_signature_is_rejected(tokens: JwtAccessTokens, user: User) -> None:
    token = tokens.issue(user, uuid4(), NOW)
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]

    with pytest.raises(InvalidAccessToken):
        tokens.decode(flipped, NOW)


def test_token_signed_with_another_secret_is_rejected(tokens: JwtAccessTokens, user: User) -> None:
    other = JwtAccessTokens(secret="another-secret-" + "x" * 64, ttl_seconds=TTL)

    with pytest.raises(InvalidAccessToken):
        tokens.decode(other.issue(user, uuid4(), NOW), NOW)


def test_unsigned_alg_none_token_is_rejected(tokens: JwtAccessTokens, user: User) -> None:
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(user))}."

    with pytest.raises(InvalidAccessToken):
        tokens.decode(unsigned, NOW)


def test_token_signed_with_an_algorithm_outside_the_allow_list_is_rejected(
    tokens: JwtAccessTokens, user: User
) -> None:
    hs512 = jwt.encode(_claims(user), SECRET, algorithm="HS512")

    with pytest.raises(InvalidAccessToken):
        tokens.decode(hs512, NOW)


@pytest.mark.parametrize(
    "overrides",
    [
        {"typ": None},
        {"typ": "refresh"},
        {"iss": "someone-else"},
        {"iss": None},
        {"iat": None},
        {"iat": "yesterday"},
        {"role": None},
        {"sid": None},
        {"jti": None},
        {"exp": None},
        {"sub": "not-a-uuid"},
        {"role": "superuser"},
        {"exp": "tomorrow"},
    ],
    ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()),
)
def test_token_with_wrong_or_missing_claims_is_rejected(
    tokens: JwtAccessTokens, user: User, overrides: dict[str, Any]
) -> None:
    signed = jwt.encode(_claims(user, **overrides), SECRET, algorithm="HS256")

    with pytest.raises(InvalidAccessToken):
        tokens.decode(signed, NOW)


@pytest.mark.parametrize("payload", [b"[1, 2]", b"null", b'"claims"', b"{not json"])
def test_a_signed_payload_that_is_not_a_claims_object_is_rejected(
    tokens: JwtAccessTokens, payload: bytes
) -> None:
    signed = jwt.PyJWS().encode(payload, SECRET, algorithm="HS256")

    with pytest.raises(InvalidAccessToken):
        tokens.decode(signed, NOW)


def test_issued_tokens_verify_with_plain_pyjwt(tokens: JwtAccessTokens, user: User) -> None:
    token = tokens.issue(user, uuid4(), NOW)

    payload = jwt.decode(
        token, SECRET, algorithms=["HS256"], issuer="hexashop", options={"verify_exp": False}
    )

    assert payload["sub"] == str(user.id) and payload["exp"] == NOW.timestamp() + TTL


@pytest.mark.parametrize("garbage", ["", "garbage", "a.b.c", "Bearer x.y.z", "...."])
def test_garbage_is_rejected(tokens: JwtAccessTokens, garbage: str) -> None:
    with pytest.raises(InvalidAccessToken):
        tokens.decode(garbage, NOW)


def test_an_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError):
        JwtAccessTokens(secret="", ttl_seconds=TTL)


@pytest.mark.parametrize(
    "overrides",
    [
        {"iat": NOW.timestamp() + 60},
        {"iat": NOW.timestamp() + 3600, "exp": NOW.timestamp() + 3600 + TTL},
        {"nbf": NOW.timestamp() + 60},
        {"nbf": "now"},
    ],
    ids=["iat+60s", "iat+1h", "nbf+60s", "nbf-not-a-number"],
)
def test_a_token_issued_or_valid_only_in_the_future_is_rejected(
    tokens: JwtAccessTokens, user: User, overrides: dict[str, Any]
) -> None:
    # Forged with the right key: only the time claims are wrong.
    signed = jwt.encode(_claims(user, **overrides), SECRET, algorithm="HS256")

    with pytest.raises(InvalidAccessToken):
        tokens.decode(signed, NOW)


def test_small_clock_skew_in_iat_and_nbf_is_tolerated(tokens: JwtAccessTokens, user: User) -> None:
    ahead = NOW.timestamp() + 5
    signed = jwt.encode(_claims(user, iat=ahead, nbf=ahead), SECRET, algorithm="HS256")

    assert tokens.decode(signed, NOW).user_id == user.id


# --- tokens already verified (kept by their exact text) -----------------------------------


def _count_verifications(tokens: JwtAccessTokens, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    verified: list[str] = []
    decode_complete = tokens._signer.decode_complete

    def counting(token: str, *args: Any, **kwargs: Any) -> Any:
        verified.append(token)
        return decode_complete(token, *args, **kwargs)

    monkeypatch.setattr(tokens._signer, "decode_complete", counting)
    return verified


def test_a_token_sent_again_is_not_verified_again(
    tokens: JwtAccessTokens, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified = _count_verifications(tokens, monkeypatch)
    token = tokens.issue(user, uuid4(), NOW)

    first = tokens.decode(token, NOW)
    again = tokens.decode(token, NOW + timedelta(seconds=1))

    assert again == first
    assert verified == [token]


def test_a_verified_token_still_expires(tokens: JwtAccessTokens, user: User) -> None:
    token = tokens.issue(user, uuid4(), NOW)
    tokens.decode(token, NOW)

    with pytest.raises(InvalidAccessToken):
        tokens.decode(token, NOW + timedelta(seconds=TTL))


def test_a_copy_of_a_verified_token_with_one_byte_changed_is_verified_and_refused(
    tokens: JwtAccessTokens, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified = _count_verifications(tokens, monkeypatch)
    token = tokens.issue(user, uuid4(), NOW)
    tokens.decode(token, NOW)
    header, _, signature = token.split(".")
    forged = ".".join([header, _b64(_claims(user, role="admin")), signature])

    with pytest.raises(InvalidAccessToken):
        tokens.decode(forged, NOW)
    assert verified == [token, forged]


def test_refused_tokens_are_not_kept(tokens: JwtAccessTokens, user: User) -> None:
    other = JwtAccessTokens(secret="another-secret-" + "x" * 64, ttl_seconds=TTL)
    for token in ["garbage", other.issue(user, uuid4(), NOW)]:
        for _ in range(2):
            with pytest.raises(InvalidAccessToken):
                tokens.decode(token, NOW)

    assert tokens._verified.cache_info().currsize == 0


def test_a_token_refused_as_not_yet_valid_is_accepted_once_it_is(
    tokens: JwtAccessTokens, user: User
) -> None:
    later = NOW.timestamp() + 60
    signed = jwt.encode(_claims(user, nbf=later), SECRET, algorithm="HS256")
    with pytest.raises(InvalidAccessToken):
        tokens.decode(signed, NOW)

    assert tokens.decode(signed, NOW + timedelta(seconds=60)).user_id == user.id


def test_at_most_a_bounded_number_of_tokens_is_kept(tokens: JwtAccessTokens, user: User) -> None:
    for _ in range(VERIFIED_TOKENS_KEPT + 10):
        tokens.decode(tokens.issue(user, uuid4(), NOW), NOW)

    assert tokens._verified.cache_info().currsize == VERIFIED_TOKENS_KEPT
