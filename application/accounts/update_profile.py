"""Use case: a signed-in user edits their own profile."""

from __future__ import annotations

from application.accounts.commands import UpdateProfileCommand
from application.accounts.ports import AccountsUnitOfWork
from application.accounts.views import UserView
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.accounts import normalize_name
from domain.errors import UserNotFound


class UpdateProfile:
    """Change the caller's display name (None leaves it, blank clears it)."""

    def __init__(self, uow: AccountsUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, actor: Actor, cmd: UpdateProfileCommand) -> UserView:
        """The updated profile, or ValidationFailed / UserNotFound."""
        if actor.user_id is None:
            raise UserNotFound()
        name = normalize_name(cmd.name)
        async with self._uow as uow:
            user = await uow.users.get(actor.user_id)
            if user is None:
                raise UserNotFound()
            if cmd.name is not None and name != user.name:
                user.name = name
                user.touch(self._clock.now())
                await uow.users.update(user)
                await uow.commit()
        return UserView.from_user(user)
