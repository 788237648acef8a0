"""Liveness and readiness probes for orchestrators and load balancers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
import structlog
from litestar import Controller, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from entrypoints.containers import Container, circuit_breakers
from entrypoints.http.errors import DEFAULT_MESSAGES, error_name
from entrypoints.http.request_context import request_id_of

logger = structlog.get_logger("hexashop.health")

# A probe that hangs is as bad as one that fails; orchestrators expect a quick answer.
CHECK_TIMEOUT_SECONDS = 3.0


class LiveResponse(msgspec.Struct):
    """The process is up."""

    status: str


class ReadyResponse(msgspec.Struct, rename="camel", omit_defaults=True):
    """Each backing service's state; on 503 it also carries the error body fields."""

    status: str
    checks: dict[str, str]
    # Each provider's circuit breaker: closed, open or half_open. An open one is named here
    # without failing readiness: a payment outage should not take the catalog out of rotation.
    circuits: dict[str, str] = msgspec.field(default_factory=dict)
    error: str | None = None
    message: str | None = None
    status_code: int | None = None
    request_id: str | None = None


async def check_database(engine: AsyncEngine) -> None:
    """Run `SELECT 1`; raise if the database cannot be reached."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _run_check(name: str, check: Callable[[], Awaitable[None]]) -> str:
    try:
        await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_SECONDS)
    except Exception as exc:
        # The reason stays in the log: probes are public and errors may name hosts.
        logger.warning("readiness_check_failed", check=name, error=type(exc).__name__)
        return "unavailable"
    return "ok"


def _readiness_checks(container: Container) -> dict[str, Callable[[], Awaitable[None]]]:
    async def database() -> None:
        await check_database(container.core.engine())

    async def mail() -> None:
        await container.core.mailer().check()

    async def storage() -> None:
        await container.core.storage().check()

    checks: dict[str, Callable[[], Awaitable[None]]] = {
        "database": database,
        "mail": mail,
        "storage": storage,
    }
    if container.settings().counter_store != "sql":
        # On SQL the counters are the database's; elsewhere (DynamoDB) they are a service too.
        async def counters() -> None:
            await container.core.counter_store().check()

        checks["counters"] = counters
    return checks


def build_health_controller(container: Container) -> type[Controller]:
    """The probes, bound to the container whose services they check."""

    class HealthController(Controller):
        """Operational probes, at the root outside `/api/v1`."""

        path = "/health"
        tags = ["operations"]

        @get("/live", summary="Liveness", description="200 while the process is up.")
        async def live(self) -> LiveResponse:
            """The process answers."""
            return LiveResponse(status="ok")

        @get(
            "/ready",
            summary="Readiness",
            description="200 when the database, mail transport and file storage can be "
            "reached; else 503 with the failing check named in `checks`. `circuits` gives "
            "each provider's circuit breaker; an open one makes the status `degraded` "
            "(still 200).",
            responses={
                503: ResponseSpec(
                    data_container=ReadyResponse,
                    description="A backing service is unreachable.",
                    generate_examples=False,
                )
            },
        )
        async def ready(self, request: Request[Any, Any, Any]) -> Response[ReadyResponse]:
            """Check every backing service concurrently."""
            checks = _readiness_checks(container)
            results = await asyncio.gather(*(_run_check(n, c) for n, c in checks.items()))
            states = dict(zip(checks, results, strict=True))
            circuits = {name: b.state.value for name, b in circuit_breakers(container).items()}
            failing = [name for name, state in states.items() if state != "ok"]
            if not failing:
                degraded = any(state != "closed" for state in circuits.values())
                body = ReadyResponse(
                    status="degraded" if degraded else "ok", checks=states, circuits=circuits
                )
                return Response(body, status_code=200)
            body = ReadyResponse(
                status="unavailable",
                checks=states,
                circuits=circuits,
                error=error_name(503),
                message=f"{DEFAULT_MESSAGES[503]}: {', '.join(failing)}",
                status_code=503,
                request_id=request_id_of(request.scope),
            )
            return Response(body, status_code=503)

    return HealthController
