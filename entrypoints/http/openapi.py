"""OpenAPI building blocks: documented error responses, the bearer security scheme and the
rule on text every request obeys."""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields
from typing import Any

from litestar.openapi import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Components, OpenAPI, SecurityRequirement, SecurityScheme

from entrypoints.http.schemas import ErrorBody

BEARER_SCHEME = "BearerToken"
BEARER: list[SecurityRequirement] = [{BEARER_SCHEME: []}]
# Public routes that show more to a signed-in caller: the token is optional (OpenAPI's empty
# requirement means "no credentials").
OPTIONAL_BEARER: list[SecurityRequirement] = [{}, {BEARER_SCHEME: []}]

# Machine clients (a static site's hit counter): a key from `hexashop apikeys create`.
API_KEY_SCHEME = "ApiKey"
API_KEY_QUERY_SCHEME = "ApiKeyQuery"
API_KEY: list[SecurityRequirement] = [{API_KEY_SCHEME: []}]
# The badge is an <img>, which can't send headers: the key may come as `?key=` instead.
API_KEY_OR_QUERY: list[SecurityRequirement] = [{API_KEY_SCHEME: []}, {API_KEY_QUERY_SCHEME: []}]

COMPONENTS = Components(
    security_schemes={
        BEARER_SCHEME: SecurityScheme(
            type="http",
            scheme="bearer",
            bearer_format="JWT",
            description="The `accessToken` from POST /api/v1/auth/login or /auth/refresh.",
        ),
        API_KEY_SCHEME: SecurityScheme(
            type="apiKey",
            name="X-API-Key",
            security_scheme_in="header",
            description="A key printed once by `hexashop apikeys create NAME` "
            "(`hxk_<prefix>_<secret>`).",
        ),
        API_KEY_QUERY_SCHEME: SecurityScheme(
            type="apiKey",
            name="key",
            security_scheme_in="query",
            description="The same API key as a query parameter, for the badge only.",
        ),
    }
)

_DESCRIPTIONS: dict[int, str] = {
    400: "Malformed JSON, wrong types or failed field validation; `errors` names the fields.",
    401: "Missing, malformed, expired or revoked credentials; sent with `WWW-Authenticate`.",
    403: "Authenticated but not allowed.",
    404: "No such resource, or not visible to the caller.",
    405: "The path exists but not with this method.",
    409: "Conflicts with the current state.",
    412: "`If-Match` names a version of the resource that is no longer current.",
    413: "Request body too large.",
    415: "The request body is not `application/json`.",
    416: "A `Range` outside the file; `Content-Range: bytes */size` gives its size.",
    422: "A business rule refuses the request.",
    429: "Rate limited; the `Retry-After` header says how many seconds to wait.",
    500: "Unexpected failure; the body carries no internal detail.",
    503: "A required backing service (database, storage, mail, payments...) is unreachable.",
}

# The routes that hash a password share a bounded queue (PASSWORD_HASH_QUEUE): when it is full
# they answer at once instead of waiting without end.
HASH_QUEUE_FULL = "The password hashing queue is full; sent with `Retry-After: 1`."
_RETRY_AFTER = {
    "description": "Seconds to wait before retrying.",
    "required": True,
    "schema": {"type": "string", "pattern": "^[1-9][0-9]*$"},
}

# What any endpoint that reads a JSON body can answer, besides its own errors.
JSON_BODY_ERRORS = (400, 413, 415)
# What any endpoint touching the database can answer.
SERVER_ERRORS = (500, 503)


def error_responses(*statuses: int, **descriptions: str) -> dict[int, ResponseSpec]:
    """Document error statuses with the shared error body.

    `descriptions` overrides the generic text per status, keyed `s401="..."`.
    """
    return {
        status: ResponseSpec(
            data_container=ErrorBody,
            description=descriptions.get(f"s{status}", _DESCRIPTIONS[status]),
            generate_examples=False,
        )
        for status in sorted(set(statuses))
    }


# docs/api.md "Conventions": no text anywhere in a request holds U+0000, known fields or not
# (storable.py answers 400 naming the field). Stated once for the whole published document, as
# `not` a string holding one: a field's own `pattern` stays as it is, and generators need not
# build long strings against two patterns. Unpaired surrogates need no keyword: they are not
# Unicode text, so no schema-valid string holds one.
NUL_SEARCH = r"\x00"
STORABLE_JSON = "StorableJson"
_STORABLE_JSON_REF = {"$ref": f"#/components/schemas/{STORABLE_JSON}"}
_NO_NUL: dict[str, Any] = {"type": "string", "pattern": NUL_SEARCH}
_STORABLE_JSON_SCHEMA: dict[str, Any] = {
    "description": "Any JSON value in which no string, object keys included, holds U+0000: "
    "what a request may carry in fields the server ignores (docs/api.md Conventions).",
    "not": _NO_NUL,
    "items": _STORABLE_JSON_REF,
    "additionalProperties": _STORABLE_JSON_REF,
    "propertyNames": {"not": _NO_NUL},
}
# Schemas whose strings can't hold NUL whatever they are: enums, constants and formats.
_CLOSED = ("enum", "const", "format")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


def _may_be_text(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    is_string = kind == "string" or (isinstance(kind, list) and "string" in kind)
    return is_string and not any(key in schema for key in _CLOSED)


class _StorableText:
    """One walk of a document's request schemas, each component constrained once."""

    def __init__(self, components: dict[str, Any]) -> None:
        self.components = components
        self.seen: set[str] = set()

    def constrain(self, schema: Any) -> None:
        """Add the rule to `schema` and to every schema it contains or refers to."""
        if not isinstance(schema, dict):
            return
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name not in self.seen and name in self.components:
                self.seen.add(name)
                self.constrain(self.components[name])
            return
        if _may_be_text(schema):
            if "not" not in schema:
                schema["not"] = dict(_NO_NUL)
            elif schema["not"] != _NO_NUL:
                schema["allOf"] = [*schema.get("allOf", []), {"not": dict(_NO_NUL)}]
        if schema.get("type") == "object" or "properties" in schema:
            # Unknown fields are ignored, but their text is checked like any other.
            schema.setdefault("additionalProperties", dict(_STORABLE_JSON_REF))
            schema.setdefault("propertyNames", {"not": dict(_NO_NUL)})
        for value in schema.get("properties", {}).values():
            self.constrain(value)
        for key in ("items", "additionalProperties"):
            self.constrain(schema.get(key))
        for key in _SUBSCHEMA_LISTS:
            for value in schema.get(key, []):
                self.constrain(value)


def state_storable_text(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with the storable-text rule on every parameter and request body."""
    components = document.setdefault("components", {}).setdefault("schemas", {})
    walk = _StorableText(components)
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                walk.constrain(parameter.get("schema"))
            for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
                # A multipart upload's bytes are a file's, NUL included; its filename is
                # cleaned, not refused (entrypoints/http/media_support).
                if "json" in media_type:
                    walk.constrain(media.get("schema"))
    components[STORABLE_JSON] = copy.deepcopy(_STORABLE_JSON_SCHEMA)
    return document


def document_retry_after(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with `Retry-After` on every 429 (Litestar's response specs can't
    declare headers)."""
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            limited = (
                operation.get("responses", {}).get("429") if isinstance(operation, dict) else None
            )
            if limited is not None:
                limited.setdefault("headers", {})["Retry-After"] = copy.deepcopy(_RETRY_AFTER)
    return document


_RATE_LIMITED_PREFIX = "/api/v1"
_OVER_LIMIT = "Over the caller's rate limit (docs/api.md, Limits and headers on every route)."
_ALSO_OVER_LIMIT = "Also when over the caller's rate limit."
_COUNT = {"type": "string", "pattern": "^[0-9]+$"}
# On every /api/v1 response the limiter counted; absent while its store is unreachable.
_RATE_LIMIT_HEADERS: dict[str, dict[str, Any]] = {
    "RateLimit-Limit": {
        "description": "Requests the caller's policy allows per window.",
        "schema": _COUNT,
    },
    "RateLimit-Remaining": {"description": "Requests left in the window.", "schema": _COUNT},
    "RateLimit-Reset": {"description": "Seconds until the count next falls.", "schema": _COUNT},
}
_ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}


def document_rate_limits(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with the per-caller rate limits on every /api/v1 operation: a 429
    among its responses and the `RateLimit-*` headers on each (the limiter wraps the whole
    app, so no route declares them)."""
    for path, path_item in document.get("paths", {}).items():
        if path != _RATE_LIMITED_PREFIX and not path.startswith(_RATE_LIMITED_PREFIX + "/"):
            continue
        for operation in path_item.values():
            responses = operation.get("responses") if isinstance(operation, dict) else None
            if responses is None:
                continue
            limited = responses.get("429")
            if limited is None:
                responses["429"] = {
                    "description": _OVER_LIMIT,
                    "content": copy.deepcopy(_ERROR_CONTENT),
                }
            else:
                limited["description"] = f"{limited['description']} {_ALSO_OVER_LIMIT}"
            for response in responses.values():
                headers = response.setdefault("headers", {})
                for name, header in _RATE_LIMIT_HEADERS.items():
                    headers.setdefault(name, copy.deepcopy(header))
    return document


class _PublishedOpenAPI(OpenAPI):
    """The OpenAPI document as published, with what Litestar can't derive added."""

    rate_limited = False

    def to_schema(self) -> dict[str, Any]:
        """The document as served at /schema/openapi.json."""
        document = state_storable_text(super().to_schema())
        if self.rate_limited:
            document = document_rate_limits(document)
        return document_retry_after(document)


@dataclass
class HexashopOpenAPIConfig(OpenAPIConfig):
    """Litestar's OpenAPI config, whose document states the storable-text rule, the
    `Retry-After` of every 429 and, when the rate limiter is on, its 429 and headers."""

    rate_limited: bool = False

    def to_openapi_schema(self) -> OpenAPI:
        """The document Litestar fills with paths and components."""
        base = super().to_openapi_schema()
        published = _PublishedOpenAPI(**{f.name: getattr(base, f.name) for f in fields(base)})
        published.rate_limited = self.rate_limited
        return published
