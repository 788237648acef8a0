"""The security headers every response carries (docs/api.md, "Limits and headers on every route").

Added by the ASGI wrapper around the whole app (`request_context.track_request`), so unmatched
routes, wrong methods and crashes get them too. The header tuples are built once; per response
the work is a few comparisons and appends.
"""

from __future__ import annotations

from typing import Any

Headers = list[tuple[bytes, bytes]]

DOCS_PREFIXES = ("/schema", "/api-docs")
_DOCS_FOLDERS = tuple(prefix + "/" for prefix in DOCS_PREFIXES)
# Routes whose bodies carry tokens (login, refresh) or the caller's own data (register, verify).
TOKEN_PREFIX = "/api/v1/auth/"

API_CSP = b"default-src 'none'; frame-ancestors 'none'"
# Swagger UI's page has no inline script or style: everything it loads comes from this server.
DOCS_CSP = (
    b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
HSTS = b"max-age=63072000; includeSubDomains"

_ALWAYS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
_CSP = b"content-security-policy"
_CACHE_CONTROL = b"cache-control"
_NO_STORE = (_CACHE_CONTROL, b"no-store")


def is_docs_path(path: str) -> bool:
    """Whether `path` is one of the interactive docs' pages or assets."""
    return path in DOCS_PREFIXES or path.startswith(_DOCS_FOLDERS)


# Credentials in a request make its answer private: a bearer token, or an API key.
_CREDENTIALS = frozenset((b"authorization", b"x-api-key"))


def _has_authorization(scope: dict[str, Any]) -> bool:
    return any(name.lower() in _CREDENTIALS for name, _ in scope.get("headers") or ())


class SecurityHeaders:
    """Adds the contract's security headers to a response, keeping any a handler already set."""

    def __init__(self, *, production: bool) -> None:
        """Prebuild the headers; production adds Strict-Transport-Security."""
        base = _ALWAYS + (((b"strict-transport-security", HSTS),) if production else ())
        self._api = (*base, (_CSP, API_CSP))
        self._docs = (*base, (_CSP, DOCS_CSP))
        self._names = frozenset(name for name, _ in self._api) | {_CACHE_CONTROL}

    def add_to(self, scope: dict[str, Any], headers: Headers) -> None:
        """Append to `headers` (a response's, lowercase or not) the ones it still lacks."""
        path = scope.get("path") or ""
        present = {name.lower() for name, _ in headers}
        ours = self._docs if is_docs_path(path) else self._api
        if present.isdisjoint(self._names):
            headers.extend(ours)
        else:
            headers.extend(header for header in ours if header[0] not in present)
        if _CACHE_CONTROL not in present and (
            path.startswith(TOKEN_PREFIX) or _has_authorization(scope)
        ):
            headers.append(_NO_STORE)
