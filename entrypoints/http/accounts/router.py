"""The accounts context's routes: `/auth`, `/me` and `/users`."""

from __future__ import annotations

from litestar import Router

from entrypoints.http.accounts.auth import AuthController
from entrypoints.http.accounts.me import MeController
from entrypoints.http.accounts.users import UsersController
from entrypoints.settings import Settings


def accounts_router(settings: Settings) -> Router:
    """Every accounts endpoint, whatever the settings."""
    return Router(path="/", route_handlers=[AuthController, MeController, UsersController])
