"""Random opaque tokens from the OS CSPRNG, stored as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets


class UrlSafeSecretTokens:
    """256-bit URL-safe tokens; only their SHA-256 hex digest is ever stored."""

    def generate(self) -> str:
        """A new random token."""
        return secrets.token_urlsafe(32)

    def hash(self, token: str) -> str:
        """SHA-256 hex: tokens are high-entropy, so a fast hash is safe and indexable."""
        return hashlib.sha256(token.encode()).hexdigest()
