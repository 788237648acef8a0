"""Structured logging: one JSON object per line, for our logs and every library's alike."""

from __future__ import annotations

import logging
import sys
from typing import IO, Any

import structlog

_SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure_logging(level: str = "INFO", stream: IO[str] | None = None) -> None:
    """Send structlog and stdlib logging through one JSON renderer on `stream` (stdout).

    Calling it again replaces the previous configuration (tests point it at a buffer).
    """
    structlog.configure(
        processors=[
            # First, so events below the level cost nothing more than this check.
            structlog.stdlib.filter_by_level,
            *_SHARED_PROCESSORS,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED_PROCESSORS,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    # Our access line replaces uvicorn's, which would print query strings (tokens may be there).
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.handlers = []
    uvicorn_access.propagate = False
    uvicorn_access.disabled = True
    # httpx logs full URLs at INFO; keep it quiet unless debugging.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))
