"""Use case: an admin changes a user's email, name, role, tier, status or verification."""

from __future__ import annotations

from application.accounts.commands import UpdateUserCommand
from application.accounts.ports import AccountsUnitOfWork
from application.accounts.views import UserView
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.accounts import Role, ensure_admin_remains, normalize_email, normalize_name
from domain.errors import EmailAlreadyRegistered, OwnAccountProtected, UserNotFound


class UpdateUser:
    """Apply the given fields (None leaves one as it is) under the last-admin rule."""

    def __init__(self, uow: AccountsUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, actor: Actor, cmd: UpdateUserCommand) -> UserView:
        """The updated user, or PermissionDenied / ValidationFailed / UserNotFound /
        EmailAlreadyRegistered / OwnAccountProtected / LastAdminProtected."""
        actor.require(Role.ADMIN)
        email = normalize_email(cmd.email) if cmd.email is not None else None
        name = normalize_name(cmd.name)
        async with self._uow as uow:
            now = self._clock.now()
            user = await uow.users.get(cmd.user_id)
            if user is None:
                raise UserNotFound()
            before = user.snapshot()
            if email is not None and email != user.email:
                other = await uow.users.get_by_email(email)
                if other is not None and other.id != user.id:
                    raise EmailAlreadyRegistered()
                user.email = email
            if cmd.name is not None:
                user.name = name
            if cmd.role is not None:
                user.role = cmd.role
            if cmd.tier is not None:
                user.tier = cmd.tier
            if cmd.email_verified is not None:
                user.email_verified = cmd.email_verified
            if cmd.active is True:
                user.active = True
            elif cmd.active is False:
                user.deactivate(now)
            if user == before:
                return UserView.from_user(user)
            # An admin locking themselves out by a slip is hard to undo: it takes another admin.
            if user.id == actor.user_id and (user.role is not before.role or not user.active):
                raise OwnAccountProtected()
            if before.is_active_admin and not user.is_active_admin:
                # Counted only when an admin loses the role: the count locks admin rows.
                ensure_admin_remains(before, user, await uow.users.count_active_admins())
            if before.active and not user.active:
                await uow.refresh_tokens.revoke_all_for_user(user.id, now)
            user.touch(now)
            await uow.users.update(user)
            await uow.commit()
        return UserView.from_user(user)
