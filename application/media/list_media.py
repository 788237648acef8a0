"""Use case: users page through their files, admins through everyone's."""

from __future__ import annotations

from application.media.access import require_user
from application.media.commands import ListMediaQuery
from application.media.ports import (
    MEDIA_SORT_FIELDS,
    MEDIA_SORT_SHAPES,
    MediaQuery,
    MediaUnitOfWork,
)
from application.media.views import MediaView
from application.shared.actor import Actor
from application.shared.paging import Page, Sort

# Newest first: what someone looking for the file they just uploaded expects.
DEFAULT_MEDIA_SORT = Sort("createdAt", descending=True)


class ListMedia:
    """One page of files: one's own, or for admins everyone's (or one owner's)."""

    def __init__(self, uow: MediaUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, actor: Actor, query: ListMediaQuery) -> Page[MediaView]:
        """One page, or ValidationFailed (unknown sort field, a cursor made for another
        sort)."""
        sort = Sort.parse(query.sort, MEDIA_SORT_FIELDS, DEFAULT_MEDIA_SORT)
        if query.page.cursor is not None:
            query.page.cursor.check_sort(sort, MEDIA_SORT_SHAPES[sort.field])
        # Anyone but an admin sees only their own files, whatever ownerId they pass (and
        # whatever cursor: it only says where to start within what this filter allows).
        owner_id = query.owner_id if actor.is_admin else require_user(actor)
        repo_query = MediaQuery(owner_id=owner_id, sort=sort, page=query.page)
        async with self._uow as uow:
            page = await uow.media_files.list(repo_query)
        return page.map(MediaView.from_media)
