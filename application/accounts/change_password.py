"""Use case: a signed-in user changes their password, proving the current one."""

from __future__ import annotations

from application.accounts.commands import ChangePasswordCommand
from application.accounts.ports import AccountsUnitOfWork, PasswordHasher
from application.accounts.throttling import release_attempts, reserve_attempts
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.accounts import PASSWORD_CHANGE_LIMIT, check_password_policy, password_change_key
from domain.errors import UserNotFound, WrongPassword


class ChangePassword:
    """Replace the password and end every other login; the caller's own stays signed in."""

    def __init__(self, uow: AccountsUnitOfWork, hasher: PasswordHasher, clock: Clock) -> None:
        self._uow = uow
        self._hasher = hasher
        self._clock = clock

    async def __call__(self, actor: Actor, cmd: ChangePasswordCommand) -> None:
        """Change, or raise WrongPassword / RateLimited / ValidationFailed (field
        "newPassword")."""
        if actor.user_id is None:
            raise UserNotFound()
        key = password_change_key(actor.user_id)
        # Argon2 runs between two short transactions, never inside one. The attempt is
        # reserved first, atomically, so a burst of guesses gets at most the limit verified.
        async with self._uow as uow:
            user = await uow.users.get(actor.user_id)
            if user is None:
                raise UserNotFound()
            reserved = await reserve_attempts(
                uow, [(key, PASSWORD_CHANGE_LIMIT)], self._clock.now()
            )
            await uow.commit()
        try:
            if not await self._hasher.verify(user.password_hash, cmd.current_password):
                raise WrongPassword()
        except WrongPassword:
            raise  # the reserved attempt stays, as a failure
        except BaseException:
            await self._release(reserved)
            raise
        try:
            check_password_policy(cmd.new_password, user.email, field_name="newPassword")
            new_hash = await self._hasher.hash(cmd.new_password)
        except BaseException:
            # The current password was right: a weak new one or a busy hasher is no guess.
            await self._release(reserved)
            raise

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
            await uow.login_attempts.clear(key, up_to=reserved[0])
            await uow.commit()

    async def _release(self, reserved: list[int]) -> None:
        async with self._uow as uow:
            await release_attempts(uow, reserved)
            await uow.commit()
