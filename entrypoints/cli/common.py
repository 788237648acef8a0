"""What every command group shares: settings, running a use case, exit codes, tables."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import click

from domain.errors import DomainError, ValidationFailed
from entrypoints.containers import Container, close_container, create_container
from entrypoints.settings import Settings, SettingsError, load_settings

T = TypeVar("T")

# Exit codes: 1 when the business refuses the request, 2 for bad usage or configuration
# (the same code click uses for usage errors).
EXIT_REFUSED = 1
EXIT_CONFIG = 2


def fail(message: str, code: int) -> NoReturn:
    """Print `error: message` on stderr and exit with the code."""
    click.echo(f"error: {message}", err=True)
    raise SystemExit(code)


def read_settings() -> Settings:
    """Read the configuration, or stop with a one-line message naming the variable."""
    try:
        return load_settings()
    except SettingsError as exc:
        fail(str(exc), EXIT_CONFIG)


def _describe(exc: DomainError) -> str:
    if isinstance(exc, ValidationFailed) and exc.errors:
        return "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
    return exc.message


def table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """Rows as left-aligned columns under an upper-case header."""
    widths = [max(len(r[i]) for r in [columns, *rows]) for i in range(len(columns))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    header = "  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True))
    return "\n".join(line.rstrip() for line in [header, *lines])


def yes_no(flag: bool) -> str:
    """A flag as a table cell."""
    return "yes" if flag else "no"


def run(work: Callable[[Container], Awaitable[T]]) -> T:
    """Build the container, run one coroutine with it, close it; domain errors exit 1."""
    container = create_container(read_settings())

    async def main() -> T:
        try:
            return await work(container)
        finally:
            await close_container(container)

    try:
        return asyncio.run(main())
    except DomainError as exc:
        fail(_describe(exc), EXIT_REFUSED)
