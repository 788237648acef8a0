"""Use case: a signed-in user reads their own account."""

from __future__ import annotations

from application.accounts.ports import AccountsUnitOfWork
from application.accounts.views import UserView
from application.shared.actor import Actor
from domain.errors import UserNotFound


class GetProfile:
    """The caller's own user."""

    def __init__(self, uow: AccountsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, actor: Actor) -> UserView:
        """The profile, or UserNotFound (e.g. the CLI operator, or a user deleted meanwhile)."""
        if actor.user_id is None:
            raise UserNotFound()
        if isinstance(actor.profile, UserView):
            # Read moments ago, in this request, by Authenticate: no second round trip.
            return actor.profile
        async with self._uow as uow:
            user = await uow.users.get(actor.user_id)
        if user is None:
            raise UserNotFound()
        return UserView.from_user(user)
