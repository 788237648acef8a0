"""Every failure becomes the docs/api.md error body here, in one place.

One handler is registered for `Exception`, so it sees domain errors, Litestar's own errors
(malformed JSON, validation, unknown routes, wrong methods, oversized bodies) and crashes.
"""

from __future__ import annotations

import re
import traceback
from http import HTTPStatus
from typing import Any

import msgspec
import structlog
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    InternalServerException,
    SerializationException,
    ValidationException,
)
from sqlalchemy.exc import InterfaceError, OperationalError

from domain.errors import (
    AuthenticationFailed,
    BusinessRuleViolated,
    Conflict,
    DomainError,
    InvalidApiKey,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    PreconditionFailed,
    RangeNotSatisfiable,
    RateLimited,
    ServiceUnavailable,
    ValidationFailed,
)
from entrypoints.http.request_context import client_disconnected, request_id_of
from entrypoints.http.schemas import ErrorBody, FieldErrorBody

logger = structlog.get_logger("hexashop.http")

# The `error` name of each status, exactly as docs/api.md lists them.
ERROR_NAMES: dict[int, str] = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    412: "PreconditionFailed",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    416: "RangeNotSatisfiable",
    422: "UnprocessableEntity",
    429: "TooManyRequests",
    # nginx's code for a client that closed the request; only the access log ever sees it.
    499: "ClientClosedRequest",
    500: "InternalServerError",
    503: "ServiceUnavailable",
}

# Domain error class -> HTTP status. Checked in order, so subclasses map with their base.
DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (ValidationFailed, 400),
    (AuthenticationFailed, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (PreconditionFailed, 412),
    (PayloadTooLarge, 413),
    (RangeNotSatisfiable, 416),
    (BusinessRuleViolated, 422),
    (RateLimited, 429),
    (ServiceUnavailable, 503),
)

# Infrastructure failures that mean "a backing service is unreachable", not "we have a bug".
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
)

# Litestar's default details for its own HTTP errors, replaced by one human sentence.
DEFAULT_MESSAGES: dict[int, str] = {
    400: "The request is invalid",
    401: "Authentication required",
    403: "You are not allowed to do this",
    404: "Resource not found",
    405: "Method not allowed",
    413: "Request body is too large",
    415: "Unsupported media type; send application/json",
    429: "Too many requests, try again later",
    499: "The client closed the request",
    500: "An unexpected error occurred",
    503: "A required service is unavailable",
}

_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")

CLIENT_CLOSED_REQUEST = 499
API_KEY_CHALLENGE = 'ApiKey header="X-API-Key"'


def wire_name(field: str) -> str:
    """A field name as the wire spells it: camelCase (snake_case from Python is converted)."""
    head, *rest = field.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def error_name(status: int) -> str:
    """The docs/api.md error name of a status (falls back to the HTTP reason phrase)."""
    try:
        return ERROR_NAMES[status]
    except KeyError:
        return HTTPStatus(status).phrase.replace(" ", "").replace("-", "")


def error_response(
    request: Request[Any, Any, Any],
    status: int,
    message: str,
    errors: list[FieldErrorBody] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[ErrorBody]:
    """Build an error response in the docs/api.md shape."""
    headers = dict(headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    body = ErrorBody(
        error=error_name(status),
        message=message,
        status_code=status,
        errors=errors or msgspec.UNSET,
        request_id=request_id_of(request.scope),
    )
    return Response(body, status_code=status, headers=headers)


def domain_response(request: Request[Any, Any, Any], exc: DomainError) -> Response[ErrorBody]:
    """The error response of a domain error, in the contract's shape."""
    status = next((code for cls, code in DOMAIN_STATUS if isinstance(exc, cls)), 500)
    if status == 500:
        return _crash_response(request, exc)
    headers: dict[str, str] = {}
    errors: list[FieldErrorBody] | None = None
    if isinstance(exc, ValidationFailed):
        errors = [FieldErrorBody(field=wire_name(e.field), message=e.message) for e in exc.errors]
    if isinstance(exc, RangeNotSatisfiable):
        headers["Content-Range"] = f"bytes */{exc.size}"
    if isinstance(exc, InvalidApiKey):
        # Not a bearer route: the challenge names the API key header instead.
        headers["WWW-Authenticate"] = API_KEY_CHALLENGE
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(max(1, exc.retry_after_seconds))
    if isinstance(exc, ServiceUnavailable) and exc.retry_after_seconds is not None:
        # An open circuit breaker knows when its next probe is due.
        headers["Retry-After"] = str(max(1, exc.retry_after_seconds))
    return error_response(request, status, exc.message, errors, headers)


def _field_name(item: dict[str, Any]) -> str:
    """The wire name of the field a Litestar validation item is about."""
    key = str(item.get("key") or "")
    message = str(item.get("message") or "")
    missing = _MISSING_FIELD.search(message)
    if missing:
        return missing.group(1)
    if key in ("", "data"):
        return "body"
    # Body keys arrive already renamed; query and path names may be Python's snake_case.
    return wire_name(key)


def _field_message(item: dict[str, Any]) -> str:
    """One human sentence for a Litestar validation item."""
    message = str(item.get("message") or "Invalid value")
    if _MISSING_FIELD.search(message):
        return "This field is required"
    if item.get("key") == "data" and message == "'data'":
        # What Litestar says when a JSON body is required but none was sent.
        return "A JSON request body is required"
    return message


def _validation_response(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[ErrorBody]:
    items = (
        [i for i in (exc.extra or []) if isinstance(i, dict)] if isinstance(exc.extra, list) else []
    )
    errors = [FieldErrorBody(field=_field_name(i), message=_field_message(i)) for i in items]
    message = errors[0].message if len(errors) == 1 else "Validation failed"
    return error_response(request, 400, message, errors)


def _http_response(request: Request[Any, Any, Any], exc: HTTPException) -> Response[ErrorBody]:
    status = exc.status_code
    if status >= 500 and status != 503:
        return _crash_response(request, exc)
    if status == 400 and isinstance(exc.__cause__, SerializationException):
        # Litestar wraps msgspec's decode error; its text points into the body, so drop it.
        message = "Request body is not valid JSON"
    else:
        message = DEFAULT_MESSAGES.get(status, HTTPStatus(status).phrase)
    headers = {k: v for k, v in (exc.headers or {}).items() if k.lower() == "allow"}
    return error_response(request, status, message, headers=headers)


def exception_type(exc: BaseException) -> str:
    """The exception's qualified type name, e.g. `sqlalchemy.exc.DataError`."""
    cls = type(exc)
    return (
        cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    )


def exception_frames(exc: BaseException) -> list[str]:
    """Where the exception passed, as `file:line in function`, innermost last.

    Never its message, arguments or any frame's locals: a message may quote a bound parameter,
    a password hash or a token, and what a log line holds is read by more people than the
    database is."""
    return [
        f"{frame.filename}:{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(exc.__traceback__)
    ]


def _crash_response(request: Request[Any, Any, Any], exc: BaseException) -> Response[ErrorBody]:
    # The client learns nothing internal; the log learns what broke and where, not the data.
    logger.error(
        "unhandled_exception",
        method=request.method,
        path=request.url.path,
        error=exception_type(exc),
        frames=exception_frames(exc),
    )
    return error_response(request, 500, DEFAULT_MESSAGES[500])


def handle_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorBody]:
    """Map any exception to the docs/api.md error body and status."""
    if isinstance(exc, InternalServerException) and client_disconnected(request.scope):
        # Litestar's "client disconnected prematurely": the client's doing, not a crash.
        return error_response(request, CLIENT_CLOSED_REQUEST, DEFAULT_MESSAGES[499])
    if isinstance(exc, DomainError):
        return domain_response(request, exc)
    if isinstance(exc, ValidationException):
        return _validation_response(request, exc)
    if isinstance(exc, HTTPException):
        return _http_response(request, exc)
    if isinstance(exc, UNAVAILABLE_ERRORS):
        logger.warning("backing_service_unavailable", error=type(exc).__name__, exc_info=exc)
        return error_response(request, 503, DEFAULT_MESSAGES[503])
    return _crash_response(request, exc)
