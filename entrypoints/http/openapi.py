"""OpenAPI building blocks: documented error responses and the bearer security scheme."""

from __future__ import annotations

from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Components, SecurityRequirement, SecurityScheme

from entrypoints.http.schemas import ErrorBody

BEARER_SCHEME = "BearerToken"
BEARER: list[SecurityRequirement] = [{BEARER_SCHEME: []}]
# Public routes that show more to a signed-in caller: the token is optional (OpenAPI's empty
# requirement means "no credentials").
OPTIONAL_BEARER: list[SecurityRequirement] = [{}, {BEARER_SCHEME: []}]

COMPONENTS = Components(
    security_schemes={
        BEARER_SCHEME: SecurityScheme(
            type="http",
            scheme="bearer",
            bearer_format="JWT",
            description="The `accessToken` from POST /api/v1/auth/login or /auth/refresh.",
        )
    }
)

_DESCRIPTIONS: dict[int, str] = {
    400: "Malformed JSON, wrong types or failed field validation; `errors` names the fields.",
    401: "Missing, malformed, expired or revoked credentials; sent with `WWW-Authenticate`.",
    403: "Authenticated but not allowed.",
    404: "No such resource, or not visible to the caller.",
    405: "The path exists but not with this method.",
    409: "Conflicts with the current state.",
    413: "Request body too large.",
    415: "The request body is not `application/json`.",
    416: "A `Range` outside the file; `Content-Range: bytes */size` gives its size.",
    422: "A business rule refuses the request.",
    429: "Rate limited; the `Retry-After` header says how many seconds to wait.",
    500: "Unexpected failure; the body carries no internal detail.",
    503: "A required backing service (database, storage, mail, payments...) is unreachable.",
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
