"""Who may reach a use case over HTTP, declared where the use case's provider is.

A context container builds each use case with one of the Factory kinds below. The kind is
the whole declaration: the HTTP layer exposes every provider of these kinds under its
attribute name, and authenticates the caller first where the kind says so. A plain
`providers.Factory` stays internal (the CLI, the worker, other use cases).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, TypeVar

from dependency_injector import containers, providers

from domain.accounts import Role

T = TypeVar("T")


class Public(providers.Factory[T]):
    """A use case any caller may run: built per request, no caller needed."""


class SignedIn(providers.Factory[T]):
    """A use case only a signed-in caller reaches: built after the caller is authenticated,
    so a missing or bad token is a 401 before anything else happens."""

    # The roles that may reach it (empty: any signed-in caller). Anyone else is 403 right
    # after authenticating, before the request's parameters or body are looked at; the use
    # case checks the role again, for its other callers.
    roles: ClassVar[frozenset[Role]] = frozenset()


class StaffOnly(SignedIn[T]):
    """A use case only admins and editors reach (the catalog, shipping)."""

    roles = frozenset({Role.ADMIN, Role.EDITOR})


class AdminOnly(SignedIn[T]):
    """A use case only admins reach (users, refunds, deleting products, the counters)."""

    roles = frozenset({Role.ADMIN})


class OptionalCaller(providers.Factory[T]):
    """A public use case that looks at the caller when one signs in: built after the
    optional caller is resolved."""


class WithApiKey(providers.Factory[T]):
    """A public use case whose handler checks an API key first (`authenticate_api_key`):
    built after the key check's use case, so the two are built one after the other."""


# What handlers may ask for; everything else in a container stays out of their reach.
EXPOSED_KINDS = (Public, SignedIn, OptionalCaller, WithApiKey)


def exposed_use_cases(
    root: containers.Container,
) -> Iterator[tuple[str, providers.Factory[object]]]:
    """Every exposed use case of the root's context containers, by attribute name.

    Handlers ask for use cases by name alone, so a name may belong to one context only.
    """
    owners: dict[str, str] = {}
    for context_name, context in root.providers.items():
        if not isinstance(context, providers.Container):
            continue
        for name, provider in context.container.providers.items():
            if not isinstance(provider, EXPOSED_KINDS):
                continue
            if name in owners:
                raise ValueError(
                    f"use case {name!r} is exposed by both {owners[name]} and {context_name}"
                )
            owners[name] = context_name
            yield name, provider
