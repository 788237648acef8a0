"""`GET /metrics`: Prometheus text format, optionally behind a bearer token."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Any

from litestar import Request, Response, get
from litestar.handlers import HTTPRouteHandler
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from adapters.circuit_breaker import CircuitState
from application.shared.ports import OutboxCounts
from entrypoints.containers import Container, circuit_breakers
from entrypoints.http.errors import error_response
from entrypoints.metrics import REGISTRY


class _ScrapeTimeGauges(Collector):
    """Gauges read for this scrape: the outbox backlog and each breaker's state."""

    def __init__(self, outbox: OutboxCounts, breakers: dict[str, CircuitState]) -> None:
        self._outbox = outbox
        self._breakers = breakers

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Yield the families."""
        yield GaugeMetricFamily(
            "hexashop_outbox_due_messages", "Emails due for delivery now.", self._outbox.due
        )
        yield GaugeMetricFamily(
            "hexashop_outbox_dead_messages", "Emails given up on.", self._outbox.dead
        )
        states = GaugeMetricFamily(
            "hexashop_circuit_breaker_state",
            "1 for the state each provider's circuit breaker is in.",
            labels=("provider", "state"),
        )
        for provider, current in self._breakers.items():
            for state in CircuitState:
                states.add_metric((provider, state.value), 1.0 if state is current else 0.0)
        yield states


def _authorized(request: Request[Any, Any, Any], token: str) -> bool:
    if not token:
        return True
    presented = request.headers.get("authorization", "")
    return hmac.compare_digest(presented.encode(), f"Bearer {token}".encode())


def build_metrics_handler(container: Container) -> HTTPRouteHandler:
    """The scrape endpoint, bound to the container whose outbox and breakers it reads."""
    token = container.settings().metrics_token

    @get("/metrics", include_in_schema=False)
    async def metrics(request: Request[Any, Any, Any]) -> Response[Any]:
        """Every metric in Prometheus text format."""
        if not _authorized(request, token):
            return error_response(request, 401, "Authentication required")
        async with container.core.read_uow() as uow:
            outbox = await uow.outbox.counts(container.core.clock().now())
        scrape = CollectorRegistry(auto_describe=False)
        scrape.register(
            _ScrapeTimeGauges(outbox, {n: b.state for n, b in circuit_breakers(container).items()})
        )
        body = generate_latest(REGISTRY) + generate_latest(scrape)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return metrics
