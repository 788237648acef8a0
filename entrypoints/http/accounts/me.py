"""The signed-in user's own account."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from litestar.params import JSONBody

from application.accounts.change_password import ChangePassword
from application.accounts.commands import ChangePasswordCommand, UpdateProfileCommand
from application.accounts.get_profile import GetProfile
from application.accounts.update_profile import UpdateProfile
from application.shared.actor import Actor
from entrypoints.http.accounts.schemas import (
    ChangePasswordRequest,
    UpdateProfileRequest,
    UserResponse,
)
from entrypoints.http.dependencies import Injected
from entrypoints.http.guards import require_strict_json_body
from entrypoints.http.openapi import BEARER, JSON_BODY_ERRORS, SERVER_ERRORS, error_responses


class MeController(Controller):
    """Profile and password of the caller."""

    path = "/me"
    tags = ["me"]
    security = BEARER
    before_request = staticmethod(require_strict_json_body)
    request_max_body_size = 64 * 1024

    @get(
        "/",
        summary="Who am I",
        responses=error_responses(*SERVER_ERRORS, 401),
    )
    async def me(self, actor: Injected[Actor], get_profile: Injected[GetProfile]) -> UserResponse:
        """The caller's own user."""
        return UserResponse.from_view(await get_profile(actor))

    @patch(
        "/",
        summary="Update my profile",
        responses=error_responses(*JSON_BODY_ERRORS, *SERVER_ERRORS, 401),
    )
    async def update_me(
        self,
        data: JSONBody[UpdateProfileRequest],
        actor: Injected[Actor],
        update_profile: Injected[UpdateProfile],
    ) -> UserResponse:
        """Change one's own name."""
        view = await update_profile(actor, UpdateProfileCommand(name=data.name))
        return UserResponse.from_view(view)

    @post(
        "/password",
        status_code=204,
        summary="Change my password",
        description="Other logins' refresh tokens are revoked; this login keeps working. "
        "After 5 wrong current passwords in 15 minutes, 429.",
        responses=error_responses(
            *JSON_BODY_ERRORS,
            *SERVER_ERRORS,
            401,
            429,
            s401="Not signed in, or the current password is wrong.",
            s429="5 wrong current passwords in 15 minutes, or the password hashing queue is "
            "full. `Retry-After` says how many seconds to wait.",
        ),
    )
    async def change_password(
        self,
        data: JSONBody[ChangePasswordRequest],
        actor: Injected[Actor],
        change_password: Injected[ChangePassword],
    ) -> None:
        """Change one's own password."""
        await change_password(
            actor,
            ChangePasswordCommand(
                current_password=data.current_password, new_password=data.new_password
            ),
        )
