"""API Gateway events built from the shapes `sam local generate-event` writes (`make
lambda-events` regenerates them), and an httpx transport that sends requests through the Lambda
handler as HTTP API (payload 2.0) or REST API (1.0) events."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx

from entrypoints.lambda_handler import LambdaRuntime

# tests/lambda is no importable name (`lambda` is a keyword): its helpers live here.
EVENTS = Path(__file__).parent.parent / "lambda" / "events"
HTTP_API_EVENT = json.loads((EVENTS / "http-api-proxy.json").read_text())
REST_API_EVENT = json.loads((EVENTS / "aws-proxy.json").read_text())
CALLER_IP = "203.0.113.7"

RuntimeMaker = Callable[..., LambdaRuntime]


class LambdaContext:
    """The parts of Lambda's context object the handlers read."""

    function_name = "hexashop-test"
    aws_request_id = "test-request"

    def __init__(self, remaining_millis: int = 60_000) -> None:
        self.remaining_millis = remaining_millis

    def get_remaining_time_in_millis(self) -> int:
        """Time left in this invocation."""
        return self.remaining_millis


def _body(content: bytes) -> tuple[str, bool]:
    """API Gateway passes text bodies as they are and binary ones base64-encoded."""
    try:
        return content.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(content).decode(), True


def http_api_event(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: list[tuple[str, str]] = (),  # type: ignore[assignment]
    body: bytes = b"",
    source_ip: str = CALLER_IP,
    stage: str = "$default",
) -> dict[str, Any]:
    """A payload 2.0 event: lower-case headers with repeats comma-joined, cookies apart."""
    event = copy.deepcopy(HTTP_API_EVENT)
    joined: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        key = name.lower()
        if key == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
        else:
            joined[key] = f"{joined[key]},{value}" if key in joined else value
    raw_path = path if stage == "$default" else f"/{stage}{path}"
    event.update(
        rawPath=raw_path,
        rawQueryString=query,
        headers=joined,
        queryStringParameters={k: ",".join(v) for k, v in parse_qs(query).items()} or None,
        cookies=cookies or None,
        pathParameters=None,
        stageVariables=None,
    )
    event = {key: value for key, value in event.items() if value is not None}
    if body:
        event["body"], event["isBase64Encoded"] = _body(body)
    else:
        event.pop("body", None)
        event["isBase64Encoded"] = False
    context = event["requestContext"]
    context["http"].update(method=method, path=raw_path, sourceIp=source_ip)
    context["stage"] = stage
    context.pop("authentication", None)
    context.pop("authorizer", None)
    return event


def rest_api_event(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: list[tuple[str, str]] = (),  # type: ignore[assignment]
    body: bytes = b"",
    source_ip: str = CALLER_IP,
    stage: str = "prod",
) -> dict[str, Any]:
    """A REST API (1.0) proxy event: single- and multi-value headers and query parameters."""
    event = copy.deepcopy(REST_API_EVENT)
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        multi_headers.setdefault(name, []).append(value)
    multi_query = parse_qs(query)
    event.update(
        path=path,
        httpMethod=method,
        headers={name: values[-1] for name, values in multi_headers.items()},
        multiValueHeaders=multi_headers,
        queryStringParameters={k: v[-1] for k, v in multi_query.items()} or None,
        multiValueQueryStringParameters=multi_query or None,
        pathParameters={"proxy": path.lstrip("/")},
        stageVariables=None,
    )
    if body:
        event["body"], event["isBase64Encoded"] = _body(body)
    else:
        event["body"], event["isBase64Encoded"] = None, False
    context = event["requestContext"]
    context.update(path=f"/{stage}{path}", httpMethod=method, stage=stage)
    context["identity"]["sourceIp"] = source_ip
    return event


def response_body(response: dict[str, Any]) -> bytes:
    """The bytes of a handler's response, decoding base64 when the response says so."""
    body = response.get("body") or ""
    return base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()


def response_headers(response: dict[str, Any]) -> list[tuple[str, str]]:
    """Every header of a handler's response (2.0: headers and cookies; 1.0: both maps)."""
    found = list((response.get("headers") or {}).items())
    found += [("set-cookie", cookie) for cookie in response.get("cookies") or []]
    for name, values in (response.get("multiValueHeaders") or {}).items():
        found += [(name, value) for value in values]
    return found


class LambdaTransport(httpx.BaseTransport):
    """Sends each httpx request through the runtime's handler as an API Gateway event."""

    def __init__(
        self,
        runtime: LambdaRuntime,
        *,
        payload: str = "2.0",
        source_ip: str = CALLER_IP,
        source_ip_header: str | None = None,
    ) -> None:
        self.runtime = runtime
        self.payload = payload
        self.source_ip = source_ip
        # A test-only request header naming the caller's address for this one request (taken
        # off the request and put where API Gateway puts it, in requestContext).
        self.source_ip_header = source_ip_header
        self.context = LambdaContext()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Build the event, invoke the handler, turn its answer back into a response."""
        build = http_api_event if self.payload == "2.0" else rest_api_event
        headers = [(k.decode(), v.decode()) for k, v in request.headers.raw]
        source_ip = self.source_ip
        if self.source_ip_header is not None:
            named = [v for k, v in headers if k.lower() == self.source_ip_header]
            headers = [(k, v) for k, v in headers if k.lower() != self.source_ip_header]
            source_ip = named[-1] if named else source_ip
        event = build(
            request.method,
            request.url.path,
            query=request.url.query.decode(),
            headers=headers,
            body=request.read(),
            source_ip=source_ip,
        )
        answer = self.runtime.http(event, self.context)
        return httpx.Response(
            answer["statusCode"],
            headers=response_headers(answer),
            content=response_body(answer),
            request=request,
        )
