"""Use case: a signed-in user changes their password, proving the current one."""

from __future__ import annotations

from application.accounts.actor import Actor
from application.accounts.commands import ChangePasswordCommand
from application.ports import Clock, PasswordHasher, UnitOfWork
from domain.accounts import check_password_policy
from domain.errors import UserNotFound, WrongPassword


class ChangePassword:
    """Replace the password and end every other login; the caller's own stays signed in."""

    def __init__(self, uow: UnitOfWork, hasher: PasswordHasher, clock: Clock) -> None:
        self._uow = uow
        self._hasher = hasher
        self._clock = clock

    async def __call__(self, actor: Actor, cmd: ChangePasswordCommand) -> None:
        """Change, or raise WrongPassword / ValidationFailed (field "newPassword")."""
        if actor.user_id is None:
            raise UserNotFound()
        # Argon2 runs between two short transactions, never inside one.
        async with self._uow as uow:
            user = await uow.users.get(actor.user_id)
        if user is None:
            raise UserNotFound()
        if not await self._hasher.verify(user.password_hash, cmd.current_password):
            raise WrongPassword()
        check_password_policy(cmd.new_password, user.email, field_name="newPassword")
        new_hash = await self._hasher.hash(cmd.new_password)

        async with self._uow as uow:
            now = self._clock.now()
            current = await uow.users.get(actor.user_id)
            if current is None:
                raise UserNotFound()
            # Someone changed the password meanwhile: the proof we checked is stale.
            if current.password_hash != user.password_hash:
                raise WrongPassword()
            # Access tokens stay valid so the caller's session keeps working; other logins
            # lose their refresh tokens and die when their short-lived access token expires.
            current.change_password_hash(new_hash, now, revoke_access_tokens=False)
            await uow.users.update(current)
            await uow.refresh_tokens.revoke_all_for_user(
                current.id, now, except_family=actor.session_id
            )
            await uow.commit()
