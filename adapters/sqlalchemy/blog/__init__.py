"""The blog context in SQL: its tables, search, repositories, and what a unit of work builds."""

from __future__ import annotations

from adapters.sqlalchemy.blog.comments import SqlCommentRepository
from adapters.sqlalchemy.blog.lookups import SqlAuthorNames, SqlMediaLookup
from adapters.sqlalchemy.blog.repositories import SqlPostRepository
from adapters.sqlalchemy.registry import SqlContextRepositories
from application.blog.ports import AuthorNames, CommentRepository, MediaLookup, PostRepository


class SqlBlogRepositories(SqlContextRepositories):
    """The blog repositories of a SQL unit of work, with its views of the media files and of
    the users' names (read from those contexts' tables)."""

    posts: PostRepository
    comments: CommentRepository
    media: MediaLookup
    authors: AuthorNames

    REPOSITORIES = {
        "posts": lambda s: SqlPostRepository(s.connection, s.dialect, s.reader),
        "comments": lambda s: SqlCommentRepository(s.connection, s.dialect, s.reader),
        "media": lambda s: SqlMediaLookup(s.reader),
        "authors": lambda s: SqlAuthorNames(s.dialect, s.reader),
    }
