"""What each bounded context adds to the HTTP API and the CLI: the one list they are read from.

A context's use cases are registered in the root container (`entrypoints/containers/`); its
routes and its operator commands are registered here, one entry per context. The app mounts
every router under the API prefix in this order, and the CLI adds every command group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import click
from litestar import Router

from entrypoints.cli.apikeys import apikeys
from entrypoints.cli.blog import posts
from entrypoints.cli.counters import counters
from entrypoints.cli.media import media
from entrypoints.cli.orders import orders
from entrypoints.cli.products import products
from entrypoints.cli.users import users
from entrypoints.http.accounts.router import accounts_router
from entrypoints.http.blog.router import blog_router
from entrypoints.http.catalog.router import catalog_router
from entrypoints.http.counters.router import counters_router
from entrypoints.http.media.router import media_router
from entrypoints.http.ordering.router import ordering_router
from entrypoints.settings import Settings


@dataclass(frozen=True)
class ContextEntrypoints:
    """One context's HTTP routes (built from the settings) and CLI command groups."""

    name: str  # the context's attribute on the root container
    router: Callable[[Settings], Router] | None = None
    commands: tuple[click.Command, ...] = ()


CONTEXTS: tuple[ContextEntrypoints, ...] = (
    ContextEntrypoints("accounts", accounts_router, (users,)),
    ContextEntrypoints("catalog", catalog_router, (products,)),
    ContextEntrypoints("ordering", ordering_router, (orders,)),
    # The outbox has no routes or commands of its own: the worker and `serve` dispatch it.
    ContextEntrypoints("messaging"),
    ContextEntrypoints("media", media_router, (media,)),
    ContextEntrypoints("blog", blog_router, (posts,)),
    # Keys have no routes: the counters' handlers check them; operators manage them.
    ContextEntrypoints("apikeys", None, (apikeys,)),
    ContextEntrypoints("counters", counters_router, (counters,)),
)


def context_routers(settings: Settings) -> list[Router]:
    """Every context's router for these settings."""
    return [entry.router(settings) for entry in CONTEXTS if entry.router is not None]


def context_commands() -> list[click.Command]:
    """Every context's command groups."""
    return [command for entry in CONTEXTS for command in entry.commands]
