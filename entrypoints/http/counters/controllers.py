"""Hit counters behind API keys: hits, counts, badges, and the admins' list.

Each API-key route checks, in this order: the counter name (400 naming `name`), the key
(401), then the key's scope and origins (403). Responses to an allowed browser origin carry
CORS headers for that origin only; refusals carry none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, route
from litestar.params import PathParameter, QueryParameter

from application.apikeys.authenticate_api_key import AuthenticateApiKey
from application.counters.badge import BadgeCount
from application.counters.get_count import GetCount
from application.counters.list_counters import ListCounters
from application.counters.names import require_counter_name
from application.counters.record_hit import RecordHit
from application.shared.actor import Actor
from application.shared.paging import PageRequest
from domain.apikeys import MAX_KEY_LENGTH, ApiKey
from domain.counters import COUNTER_NAME_PATTERN, CounterCount
from domain.errors import DomainError
from entrypoints.http.counters.badge import badge_svg
from entrypoints.http.counters.schemas import CounterPage, CounterResponse
from entrypoints.http.dependencies import Injected
from entrypoints.http.errors import domain_response
from entrypoints.http.openapi import (
    API_KEY,
    API_KEY_OR_QUERY,
    BEARER,
    SERVER_ERRORS,
    error_responses,
)
from entrypoints.http.params import DEFAULT_PAGE, DEFAULT_PAGE_LIMIT, PageLimit, PageNumber

Name = Annotated[
    str,
    PathParameter(
        description="The counter: 1 to 64 of a-z, 0-9 and `-`.",
        # Documented, checked by the use case so that a bad name is a 400 naming `name`.
        schema_extra={"pattern": COUNTER_NAME_PATTERN, "minLength": 1, "maxLength": 64},
    ),
]

_S400 = "The counter name is not 1 to 64 of a-z, 0-9 and `-` (`errors` names `name`)."
_S401 = (
    "No API key, or an unknown, malformed or revoked one; sent with "
    '`WWW-Authenticate: ApiKey header="X-API-Key"`.'
)
_S403 = (
    "The key is not allowed for this counter, or the request's `Origin` is not among the "
    "key's origins."
)
_S429 = "More hits with this key than RATE_LIMIT_COUNTER_HITS allows; see `Retry-After`."
_KEY_ERRORS = (*SERVER_ERRORS, 400, 401, 403)

CORS_METHODS = "GET, POST, OPTIONS"
CORS_HEADERS = "X-API-Key"
_PREFLIGHT_MAX_AGE = "600"


def _origin(request: Request[Any, Any, Any]) -> str | None:
    return request.headers.get("origin")


def _cors_headers(key: ApiKey, origin: str | None) -> dict[str, str]:
    """CORS for the one origin that asked, when the key allows it (no origins: any)."""
    if origin is None or not key.allows_origin(origin):
        return {}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


async def _answer(
    request: Request[Any, Any, Any],
    name: str,
    sent_key: str | None,
    authenticate: AuthenticateApiKey,
    work: Callable[[], Awaitable[CounterCount]],
) -> tuple[CounterCount | Response[Any], dict[str, str]]:
    """Check the name, then the key and its scope, then do the work. Errors after the key
    was accepted for this origin keep the CORS headers, so the page's script can read them."""
    require_counter_name(name)
    key = await authenticate(sent_key)
    origin = _origin(request)
    key.authorize(name, origin)
    cors = _cors_headers(key, origin)
    try:
        return await work(), cors
    except DomainError as exc:
        response = domain_response(request, exc)
        response.headers.update(cors)
        return response, cors


def _json(result: CounterCount | Response[Any], cors: dict[str, str]) -> Response[Any]:
    if isinstance(result, Response):
        return result
    body = CounterResponse(name=result.name, count=result.count)
    return Response(body, status_code=200, headers=cors)


class CountersController(Controller):
    """Named hit counters for static sites."""

    path = "/counters"
    tags = ["counters"]

    @post(
        "/{name:str}/hits",
        status_code=200,
        summary="Add a hit",
        description="Adds one hit atomically (N concurrent hits add exactly N) and returns "
        "the new count; the first hit creates the counter at 1. Rate limited per key "
        "(RATE_LIMIT_COUNTER_HITS). No body is read.",
        security=API_KEY,
        responses=error_responses(
            *_KEY_ERRORS, 429, s400=_S400, s401=_S401, s403=_S403, s429=_S429
        ),
    )
    async def record_hit(
        self,
        request: Request[Any, Any, Any],
        name: Name,
        authenticate_api_key: Injected[AuthenticateApiKey],
        record_hit: Injected[RecordHit],
    ) -> Response[CounterResponse]:
        """The counter after this hit."""
        sent = request.headers.get("x-api-key")
        return _json(
            *await _answer(request, name, sent, authenticate_api_key, lambda: record_hit(name))
        )

    @get(
        "/{name:str}",
        summary="Read a counter",
        description="The count, without adding a hit; 404 for a counter never hit.",
        security=API_KEY,
        responses=error_responses(
            *_KEY_ERRORS,
            404,
            s400=_S400,
            s401=_S401,
            s403=_S403,
            s404="The counter never got a hit.",
        ),
    )
    async def get_count(
        self,
        request: Request[Any, Any, Any],
        name: Name,
        authenticate_api_key: Injected[AuthenticateApiKey],
        get_count: Injected[GetCount],
    ) -> Response[CounterResponse]:
        """The counter."""
        sent = request.headers.get("x-api-key")
        return _json(
            *await _answer(request, name, sent, authenticate_api_key, lambda: get_count(name))
        )

    @get(
        "/{name:str}/badge.svg",
        summary="A counter's badge",
        description="An SVG image showing the count (0 for a counter never hit), without "
        "adding a hit. The key may come as `X-API-Key` or, for an `<img>`, as `?key=`. "
        "Sent with `Cache-Control: no-cache`.",
        security=API_KEY_OR_QUERY,
        media_type="image/svg+xml",
        response_description="The badge (image/svg+xml).",
        responses=error_responses(*_KEY_ERRORS, s400=_S400, s401=_S401, s403=_S403),
    )
    async def badge(
        self,
        request: Request[Any, Any, Any],
        name: Name,
        authenticate_api_key: Injected[AuthenticateApiKey],
        badge_count: Injected[BadgeCount],
        key: Annotated[
            str | None,
            QueryParameter(
                description="The API key, when no `X-API-Key` header can be sent.",
                max_length=MAX_KEY_LENGTH,
            ),
        ] = None,
    ) -> Response[Any]:
        """The badge."""
        sent = request.headers.get("x-api-key") or key
        result, cors = await _answer(
            request, name, sent, authenticate_api_key, lambda: badge_count(name)
        )
        if isinstance(result, Response):
            return result
        headers = {**cors, "Cache-Control": "no-cache"}
        return Response(badge_svg(result), media_type="image/svg+xml", headers=headers)

    @get(
        "/",
        summary="List counters",
        description="Admins: every counter with its count, by name, paginated.",
        security=BEARER,
        responses=error_responses(
            *SERVER_ERRORS, 400, 401, 403, s400="Invalid page or limit.", s403="Not an admin."
        ),
    )
    async def list_counters(
        self,
        actor: Injected[Actor],
        list_counters: Injected[ListCounters],
        page: PageNumber = DEFAULT_PAGE,
        limit: PageLimit = DEFAULT_PAGE_LIMIT,
    ) -> CounterPage:
        """One page of counters."""
        found = await list_counters(actor, PageRequest(page=page, limit=limit))
        return CounterPage.from_page(found)

    @route(
        ["/{name:str}/hits", "/{name:str}", "/{name:str}/badge.svg"],
        http_method=["OPTIONS"],
        status_code=204,
        include_in_schema=False,
    )
    async def preflight(self, request: Request[Any, Any, Any]) -> Response[None]:
        """A CORS preflight can't carry the key, so it is answered for any origin with the
        methods and header the routes take; the request itself is then refused (no CORS
        headers, 403) unless the key lists that origin."""
        headers: dict[str, str] = {}
        origin = _origin(request)
        if origin is not None:
            headers = {
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": CORS_METHODS,
                "Access-Control-Allow-Headers": CORS_HEADERS,
                "Access-Control-Max-Age": _PREFLIGHT_MAX_AGE,
                "Vary": "Origin",
            }
        return Response(None, status_code=204, headers=headers)
