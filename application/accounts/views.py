"""What account use cases return: read-only views that never carry secrets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.shared.projection import project
from domain.accounts import Role, Tier, User


@dataclass(frozen=True)
class UserView:
    """A user as callers may see it: no password hash, no token data."""

    id: UUID
    email: str
    name: str | None
    role: Role
    tier: Tier
    email_verified: bool
    active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_user(cls, user: User) -> UserView:
        """Project a user entity to its public view."""
        return project(user, cls)


@dataclass(frozen=True)
class AuthSession:
    """The result of logging in or refreshing: a token pair and the user."""

    access_token: str
    refresh_token: str
    expires_in: int
    user: UserView
    token_type: str = "Bearer"
