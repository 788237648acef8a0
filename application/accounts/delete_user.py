"""Use case: an admin deletes a user."""

from __future__ import annotations

from uuid import UUID

from application.accounts.ports import AccountsUnitOfWork
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.accounts import Role, ensure_admin_remains
from domain.errors import OwnAccountProtected, UserNotFound


class DeleteUser:
    """Remove a user and their tokens, never the last active admin."""

    def __init__(self, uow: AccountsUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, actor: Actor, user_id: UUID) -> None:
        """Delete, or raise PermissionDenied / OwnAccountProtected / UserNotFound /
        LastAdminProtected."""
        actor.require(Role.ADMIN)
        if user_id == actor.user_id:
            raise OwnAccountProtected()
        async with self._uow as uow:
            user = await uow.users.get(user_id)
            if user is None:
                raise UserNotFound()
            if user.is_active_admin:
                ensure_admin_remains(user, None, await uow.users.count_active_admins())
            await uow.users.delete(user_id)
            await uow.commit()
