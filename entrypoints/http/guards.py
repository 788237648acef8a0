"""Request checks shared by the JSON endpoints."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import HTTPException
from litestar.handlers import HTTPRouteHandler

from domain.errors import FieldError, ValidationFailed
from entrypoints.http.dependencies import authenticate_if_required
from entrypoints.http.storable import check_json_body, refuse_unstorable_input

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


async def require_json_body(request: Request[Any, Any, Any]) -> None:
    """Refuse a declared non-JSON body with 415 (a missing Content-Type is parsed as JSON)."""
    if request.method not in _BODY_METHODS:
        return
    content_type = request.headers.get("content-type")
    if content_type and not _is_json(content_type):
        raise HTTPException(status_code=415)


# msgspec's error text: "<message> - at `$.<path>`", the location absent at the top level.
_LOCATED = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")


def _field_error(exc: msgspec.ValidationError) -> FieldError:
    """The wire field (`items[0].quantity`) and message of msgspec's validation error."""
    match = _LOCATED.match(str(exc))
    message = match["message"] if match else str(exc)
    path = ((match["path"] if match else None) or "").lstrip(".")
    missing = _MISSING_FIELD.search(message)
    if missing:
        path = f"{path}.{missing[1]}" if path else missing[1]
        message = "This field is required"
    elif message.startswith("Expected `str` matching regex"):
        # The regex is in the OpenAPI schema; the client gets a sentence, as from the domain.
        message = "Invalid email format" if path.lower().endswith("email") else "Invalid format"
    return FieldError(path or "body", message)


def _integral_floats_as_ints(value: Any) -> Any:
    """`644.0` read as `644`: JSON (and JSON Schema's `integer`) does not tell them apart."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_integral_floats_as_ints(item) for item in value]
    if isinstance(value, dict):
        return {key: _integral_floats_as_ints(item) for key, item in value.items()}
    return value


def _body_type(handler: HTTPRouteHandler) -> Any:
    data = handler.parsed_fn_signature.parameters.get("data")
    return data.annotation if data is not None else None


async def require_strict_json_body(request: Request[Any, Any, Any]) -> None:
    """Authenticate where the route requires it, `require_json_body`, then check the body
    against the handler's `data` type strictly.

    Litestar converts bodies leniently (`"5"` becomes 5); money, stock and quantities must be
    JSON integers, so the body is checked strictly first and a wrong type is a 400 field
    error. An integral number such as `644.0` is an integer, as in JSON Schema (Litestar reads
    it as 644); `644.5` is not. Malformed or missing bodies are left to Litestar, which
    reports them as usual. Text the database can't store (NUL, lone surrogates) anywhere in
    the request is a 400 field error too (`storable.py`).
    """
    await authenticate_if_required(request)
    await refuse_unstorable_input(request)
    await require_json_body(request)
    body_type = _body_type(request.route_handler)
    if body_type is None or request.method not in _BODY_METHODS:
        return
    body = await request.body()
    if not body.strip():
        return
    check_json_body(body)
    try:
        value = _integral_floats_as_ints(msgspec.json.decode(body))
    except msgspec.DecodeError:
        return
    try:
        msgspec.convert(value, type=body_type, strict=True)
    except msgspec.ValidationError as exc:
        raise ValidationFailed(_field_error(exc)) from None
