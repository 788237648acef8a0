"""Use case: an admin pages through users."""

from __future__ import annotations

from application.accounts.commands import ListUsersQuery
from application.accounts.ports import (
    USER_SORT_FIELDS,
    USER_SORT_SHAPES,
    AccountsUnitOfWork,
    UserQuery,
)
from application.accounts.views import UserView
from application.shared.actor import Actor
from application.shared.paging import Page, Sort
from domain.accounts import Role

DEFAULT_USER_SORT = Sort("createdAt")


class ListUsers:
    """Search, filter, sort and page users; admins only."""

    def __init__(self, uow: AccountsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, actor: Actor, query: ListUsersQuery) -> Page[UserView]:
        """One page, or PermissionDenied / ValidationFailed (unknown sort field, a cursor
        made for another sort)."""
        actor.require(Role.ADMIN)
        sort = Sort.parse(query.sort, USER_SORT_FIELDS, DEFAULT_USER_SORT)
        if query.page.cursor is not None:
            query.page.cursor.check_sort(sort, USER_SORT_SHAPES[sort.field])
        search = query.search.strip() if query.search else None
        repo_query = UserQuery(
            search=search or None,
            role=query.role,
            active=query.active,
            sort=sort,
            page=query.page,
        )
        async with self._uow as uow:
            page = await uow.users.list(repo_query)
        return page.map(UserView.from_user)
