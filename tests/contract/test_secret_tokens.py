"""Contract of the SecretTokens port."""

from __future__ import annotations

import base64
import re

from adapters.secret_tokens import UrlSafeSecretTokens


def test_tokens_carry_at_least_128_bits_of_randomness() -> None:
    token = UrlSafeSecretTokens().generate()

    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(raw) * 8 >= 128


def test_tokens_are_url_safe() -> None:
    token = UrlSafeSecretTokens().generate()

    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)


def test_tokens_are_unique() -> None:
    secrets = UrlSafeSecretTokens()

    tokens = {secrets.generate() for _ in range(1000)}

    assert len(tokens) == 1000


def test_hash_is_a_deterministic_sha256_hex_digest_unlike_the_token() -> None:
    secrets = UrlSafeSecretTokens()
    token = secrets.generate()

    digest = secrets.hash(token)

    assert digest == secrets.hash(token)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest != token
    assert secrets.hash(secrets.generate()) != digest
