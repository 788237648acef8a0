"""User administration (admins only)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromQuery, JSONBody, PathParameter, QueryParameter

from application.accounts.commands import CreateUserCommand, ListUsersQuery, UpdateUserCommand
from application.accounts.create_user import CreateUser
from application.accounts.delete_user import DeleteUser
from application.accounts.get_user import GetUser
from application.accounts.list_users import ListUsers
from application.accounts.ports import USER_SORT_FIELDS
from application.accounts.update_user import UpdateUser
from application.shared.actor import Actor
from application.shared.paging import PageRequest
from domain.accounts import Role
from domain.errors import ValidationFailed
from entrypoints.http.accounts.schemas import (
    CreateUserRequest,
    PatchUserRequest,
    ReplaceUserRequest,
    UserPage,
    UserResponse,
)
from entrypoints.http.dependencies import Injected
from entrypoints.http.guards import require_strict_json_body
from entrypoints.http.openapi import (
    BEARER,
    HASH_QUEUE_FULL,
    JSON_BODY_ERRORS,
    SERVER_ERRORS,
    error_responses,
)
from entrypoints.http.params import (
    DEFAULT_PAGE,
    DEFAULT_PAGE_LIMIT,
    PageCursor,
    PageLimit,
    PageNumber,
    sort_parameter,
)

_ADMIN = (*SERVER_ERRORS, 401, 403)
_S403 = "The caller is not an admin."
_S404 = "No user with this id."
_S400_ID = "The id is not a UUID."
_S409 = "The email is taken, or the change would leave no active admin."

UserId = Annotated[
    str, PathParameter(description="The user's id.", schema_extra={"format": "uuid"})
]


def _user_id(raw: str) -> UUID:
    """Parse the path id; a malformed one is a field error rather than an unmatched route."""
    try:
        return UUID(raw)
    except ValueError:
        raise ValidationFailed.of("id", "Must be a UUID") from None


class UsersController(Controller):
    """CRUD over users for admins."""

    path = "/users"
    tags = ["users"]
    security = BEARER
    before_request = staticmethod(require_strict_json_body)
    request_max_body_size = 64 * 1024

    @get(
        "/",
        summary="List users",
        description="`search` matches email or name (case-insensitive substring). "
        f"Sort by {', '.join(USER_SORT_FIELDS)}; prefix `-` for descending.",
        responses=error_responses(
            *_ADMIN, 400, s400="Invalid page, limit, cursor, role, active or sort.", s403=_S403
        ),
    )
    async def list_users(
        self,
        actor: Injected[Actor],
        list_users: Injected[ListUsers],
        page: PageNumber = DEFAULT_PAGE,
        limit: PageLimit = DEFAULT_PAGE_LIMIT,
        cursor: PageCursor = None,
        search: Annotated[str | None, QueryParameter(max_length=254)] = None,
        role: FromQuery[Role | None] = None,
        active: FromQuery[bool | None] = None,
        sort: Annotated[str | None, sort_parameter(USER_SORT_FIELDS)] = None,
    ) -> UserPage:
        """One page of users."""
        query = ListUsersQuery(
            search=search or None,
            role=role,
            active=active,
            sort=sort,
            page=PageRequest.of(page, limit, cursor),
        )
        return UserPage.from_page(await list_users(actor, query))

    @post(
        "/",
        status_code=201,
        summary="Create a user",
        description="The new user's email counts as verified.",
        responses=error_responses(
            *_ADMIN,
            *JSON_BODY_ERRORS,
            409,
            429,
            s403=_S403,
            s409="The email is already registered.",
            s429=HASH_QUEUE_FULL,
        ),
    )
    async def create_user(
        self,
        data: JSONBody[CreateUserRequest],
        actor: Injected[Actor],
        create_user: Injected[CreateUser],
    ) -> UserResponse:
        """An admin creates an account."""
        command = CreateUserCommand(
            email=data.email,
            password=data.password,
            name=data.name,
            role=data.role,
            tier=data.tier,
        )
        return UserResponse.from_view(await create_user(actor, command))

    @get(
        "/{id:str}",
        summary="Get a user",
        responses=error_responses(*_ADMIN, 400, 404, s400=_S400_ID, s403=_S403, s404=_S404),
    )
    async def get_user(
        self, id: UserId, actor: Injected[Actor], get_user: Injected[GetUser]
    ) -> UserResponse:
        """One user."""
        return UserResponse.from_view(await get_user(actor, _user_id(id)))

    @put(
        "/{id:str}",
        summary="Replace a user's editable fields",
        description="Every field is required; `name` may be null to clear it.",
        responses=error_responses(
            *_ADMIN, *JSON_BODY_ERRORS, 404, 409, s403=_S403, s404=_S404, s409=_S409
        ),
    )
    async def replace_user(
        self,
        id: UserId,
        data: JSONBody[ReplaceUserRequest],
        actor: Injected[Actor],
        update_user: Injected[UpdateUser],
    ) -> UserResponse:
        """Set every editable field."""
        command = UpdateUserCommand(
            user_id=_user_id(id),
            email=data.email,
            # The command reads None as "leave as is"; a blank name is stored as no name.
            name=data.name if data.name is not None else "",
            role=data.role,
            tier=data.tier,
            active=data.active,
        )
        return UserResponse.from_view(await update_user(actor, command))

    @patch(
        "/{id:str}",
        summary="Change some of a user's fields",
        description="Absent (or null) fields stay as they are.",
        responses=error_responses(
            *_ADMIN, *JSON_BODY_ERRORS, 404, 409, s403=_S403, s404=_S404, s409=_S409
        ),
    )
    async def patch_user(
        self,
        id: UserId,
        data: JSONBody[PatchUserRequest],
        actor: Injected[Actor],
        update_user: Injected[UpdateUser],
    ) -> UserResponse:
        """Change the given fields."""
        command = UpdateUserCommand(
            user_id=_user_id(id),
            email=data.email,
            name=data.name,
            role=data.role,
            tier=data.tier,
            active=data.active,
        )
        return UserResponse.from_view(await update_user(actor, command))

    @delete(
        "/{id:str}",
        status_code=204,
        summary="Delete a user",
        responses=error_responses(
            *_ADMIN,
            400,
            404,
            409,
            s400=_S400_ID,
            s403=_S403,
            s404=_S404,
            s409="The user is the last active admin.",
        ),
    )
    async def delete_user(
        self,
        id: UserId,
        actor: Injected[Actor],
        delete_user: Injected[DeleteUser],
    ) -> None:
        """Remove a user and their tokens."""
        await delete_user(actor, _user_id(id))
