"""The random parts of new API keys, from the OS CSPRNG."""

from __future__ import annotations

import secrets

from domain.apikeys import PREFIX_LENGTH, SECRET_BYTES


class RandomKeyMaterial:
    """A random hex prefix and a URL-safe secret of SECRET_BYTES (192 bits)."""

    def prefix(self) -> str:
        """8 random lower-case hex digits."""
        return secrets.token_hex(PREFIX_LENGTH // 2)

    def secret(self) -> str:
        """URL-safe base64 of SECRET_BYTES random bytes."""
        return secrets.token_urlsafe(SECRET_BYTES)
