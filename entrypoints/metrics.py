"""Prometheus metrics: request counts and latency by route template, rate-limit refusals.

Request metrics are recorded by the ASGI wrapper (`http/request_context.py`) on every request;
the outbox and breaker gauges are read when `/metrics` is scraped
(`http/operations/metrics.py`). Routes are labelled by template (`/api/v1/orders/{id}`),
never by raw path, so ids cannot blow up the number of series.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

UNMATCHED_ROUTE = "unmatched"

# One registry for the process, apart from prometheus_client's default (which would also
# export the library's own process and GC collectors twice when tests build several apps).
REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "hexashop_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ("method", "route", "status"),
    registry=REGISTRY,
)
LATENCY = Histogram(
    "hexashop_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template.",
    ("route",),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
RATE_LIMIT_REFUSALS = Counter(
    "hexashop_rate_limit_refusals",
    "Requests refused with 429 by a rate-limit policy.",
    ("policy",),
    registry=REGISTRY,
)


# Any other method a client sends is counted as "other": labels must stay a bounded set.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def record_request(method: str, route: str | None, status: int, seconds: float) -> None:
    """Count one answered request under its route template (or `unmatched`)."""
    label = route or UNMATCHED_ROUTE
    REQUESTS.labels(method if method in _METHODS else "other", label, str(status)).inc()
    LATENCY.labels(label).observe(seconds)


def record_rate_limit_refusal(policy: str) -> None:
    """Count one request a rate-limit `policy` (e.g. "auth", "default") refused."""
    RATE_LIMIT_REFUSALS.labels(policy).inc()
