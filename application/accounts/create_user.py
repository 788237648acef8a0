"""Use case: an admin creates an account."""

from __future__ import annotations

from application.accounts.commands import CreateUserCommand
from application.accounts.ports import AccountsUnitOfWork, PasswordHasher
from application.accounts.views import UserView
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.accounts import Role, User, check_password_policy, normalize_email, normalize_name
from domain.errors import EmailAlreadyRegistered


class CreateUser:
    """Create a user with any role and tier; the email counts as verified."""

    def __init__(self, uow: AccountsUnitOfWork, hasher: PasswordHasher, clock: Clock) -> None:
        self._uow = uow
        self._hasher = hasher
        self._clock = clock

    async def __call__(self, actor: Actor, cmd: CreateUserCommand) -> UserView:
        """The new user, or PermissionDenied / ValidationFailed / EmailAlreadyRegistered."""
        actor.require(Role.ADMIN)
        email = normalize_email(cmd.email)
        name = normalize_name(cmd.name)
        check_password_policy(cmd.password, email)
        password_hash = await self._hasher.hash(cmd.password)
        async with self._uow as uow:
            if await uow.users.get_by_email(email) is not None:
                raise EmailAlreadyRegistered()
            user = User.register(
                email,
                password_hash,
                self._clock.now(),
                name=name,
                role=cmd.role,
                tier=cmd.tier,
                email_verified=True,
            )
            await uow.users.add(user)
            await uow.commit()
        return UserView.from_user(user)
