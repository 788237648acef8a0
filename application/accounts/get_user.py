"""Use cases: an admin looks a user up by id or by email."""

from __future__ import annotations

from uuid import UUID

from application.accounts.ports import AccountsUnitOfWork
from application.accounts.views import UserView
from application.shared.actor import Actor
from domain.accounts import Role, normalize_email
from domain.errors import UserNotFound


class GetUser:
    """One user by id; admins only."""

    def __init__(self, uow: AccountsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, actor: Actor, user_id: UUID) -> UserView:
        """The user, or PermissionDenied / UserNotFound."""
        actor.require(Role.ADMIN)
        async with self._uow as uow:
            user = await uow.users.get(user_id)
        if user is None:
            raise UserNotFound()
        return UserView.from_user(user)


class GetUserByEmail:
    """One user by email (case-insensitive); admins only, for the CLI."""

    def __init__(self, uow: AccountsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, actor: Actor, email: str) -> UserView:
        """The user, or PermissionDenied / ValidationFailed / UserNotFound."""
        actor.require(Role.ADMIN)
        normalized = normalize_email(email)
        async with self._uow as uow:
            user = await uow.users.get_by_email(normalized)
        if user is None:
            raise UserNotFound()
        return UserView.from_user(user)
