"""Blog: posts with tags and comments, and the rules for who may write, edit and see them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from domain.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    ValidationFailed,
)

MAX_TITLE = 200
MAX_CONTENT = 100_000
MAX_SLUG = 200
# The slug made from a title stays short enough for a `-NN` suffix to fit under MAX_SLUG.
MAX_SLUG_BASE = 80
DEFAULT_SLUG = "post"
MAX_TAGS = 10
MAX_TAG = 50
MAX_COMMENT = 5_000
MAX_EXCERPT = 200
# Comments a user may write within COMMENT_WINDOW_SECONDS, against spam bursts.
COMMENT_LIMIT = 10
COMMENT_WINDOW_SECONDS = 600
# Slugs tried for a new post before giving up (`base`, `base-2`, ... `base-50`).
MAX_SLUG_ATTEMPTS = 50
FEED_SIZE = 20
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN)
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_SPACE = re.compile(r"\s+")


class PostNotFound(NotFound):
    """No such post, or a draft the caller may not see (never told apart)."""

    message = "Post not found"


class CommentNotFound(NotFound):
    """No such comment, or one on a post the caller may not see."""

    message = "Comment not found"


class SlugTaken(Conflict):
    """Another post (or an old slug of one) already answers at this slug."""

    message = "The slug is already taken"


class PostChanged(PreconditionFailed):
    """The post changed since the version the caller saw (HTTP 412 with If-Match)."""

    message = "The post was changed since you read it"


class CommentsClosed(NotFound):
    """Comments are only on published posts; a draft is not found for them."""

    message = "Post not found"


def slugify(title: str) -> str:
    """Lower-case ASCII words of the title joined by `-`, at most MAX_SLUG_BASE characters;
    `post` when nothing is left (a title of only symbols or non-Latin script)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_WORD.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG_BASE:
        # Cut at a word boundary when there is one, so the slug doesn't end mid-word.
        cut = slug[:MAX_SLUG_BASE]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug or DEFAULT_SLUG


def numbered_slug(base: str, attempt: int) -> str:
    """The slug to try on `attempt` (1: the base itself, then `base-2`, `base-3`, ...)."""
    return base if attempt <= 1 else f"{base}-{attempt}"


def check_slug(slug: str) -> str:
    """A slug the caller chose: lower-case ASCII words joined by `-`, 1..MAX_SLUG characters."""
    if not 1 <= len(slug) <= MAX_SLUG or not _SLUG.match(slug):
        raise ValidationFailed.of(
            "slug", "slug must be lower-case letters and digits in words joined by '-'"
        )
    return slug


def normalize_tags(raw: Iterable[str]) -> tuple[str, ...]:
    """Tags trimmed, lower-cased and de-duplicated in their first order; at most MAX_TAGS,
    each 1..MAX_TAG characters."""
    tags: list[str] = []
    for item in raw:
        tag = _SPACE.sub(" ", item.strip().lower())
        if not 1 <= len(tag) <= MAX_TAG:
            raise ValidationFailed.of("tags", f"each tag must be 1 to {MAX_TAG} characters")
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationFailed.of("tags", f"a post has at most {MAX_TAGS} tags")
    return tuple(tags)


def normalize_tag(raw: str) -> str:
    """One tag as stored (for filtering by tag)."""
    return _SPACE.sub(" ", raw.strip().lower())


def excerpt_of(content: str) -> str:
    """The content's start with its whitespace collapsed, cut at a word boundary to at most
    MAX_EXCERPT characters, ending with `…` when it was cut."""
    text = _SPACE.sub(" ", content).strip()
    if len(text) <= MAX_EXCERPT:
        return text
    cut = text[: MAX_EXCERPT - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def check_post_fields(title: str | None = None, content: str | None = None) -> None:
    """Raise ValidationFailed for a title or content outside its bounds (None: not given)."""
    errors = []
    if title is not None and not 1 <= len(title.strip()) <= MAX_TITLE:
        errors.append(FieldError("title", f"title must be 1 to {MAX_TITLE} characters"))
    if content is not None and not 1 <= len(content) <= MAX_CONTENT:
        errors.append(FieldError("content", f"content must be 1 to {MAX_CONTENT} characters"))
    if errors:
        raise ValidationFailed(*errors)


def check_comment(content: str) -> str:
    """A comment's content: 1..MAX_COMMENT characters, not only whitespace."""
    if not content.strip() or len(content) > MAX_COMMENT:
        raise ValidationFailed.of("content", f"content must be 1 to {MAX_COMMENT} characters")
    return content


@dataclass(frozen=True)
class Reader:
    """Who is looking at a post, as the blog rules need it: their id and whether staff."""

    user_id: UUID | None
    is_admin: bool = False
    is_editor: bool = False

    @property
    def is_staff(self) -> bool:
        """Editors and admins: they edit and see every post."""
        return self.is_admin or self.is_editor


@dataclass(frozen=True)
class Post:
    """A blog post: a draft until published; `version` grows with each change."""

    id: UUID
    slug: str
    title: str
    content: str
    excerpt: str
    published: bool
    published_at: datetime | None
    tags: tuple[str, ...]
    author_id: UUID
    cover_image_id: UUID | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def write(
        cls,
        post_id: UUID,
        author_id: UUID,
        slug: str,
        title: str,
        content: str,
        tags: tuple[str, ...],
        published: bool,
        cover_image_id: UUID | None,
        now: datetime,
    ) -> Post:
        """A new post (published now when `published`)."""
        check_post_fields(title, content)
        return cls(
            id=post_id,
            slug=slug,
            title=title.strip(),
            content=content,
            excerpt=excerpt_of(content),
            published=published,
            published_at=now if published else None,
            tags=tags,
            author_id=author_id,
            cover_image_id=cover_image_id,
            version=1,
            created_at=now,
            updated_at=now,
        )

    def edited(
        self,
        now: datetime,
        title: str | None = None,
        content: str | None = None,
        tags: tuple[str, ...] | None = None,
        published: bool | None = None,
        slug: str | None = None,
        cover_image_id: UUID | None = None,
        clear_cover: bool = False,
    ) -> Post:
        """The post after a partial edit (None: unchanged); the version grows by one.

        Publishing stamps `published_at` the first time; unpublishing keeps it, so a post put
        back keeps its place in the feed.
        """
        check_post_fields(title, content)
        new_content = self.content if content is None else content
        is_published = self.published if published is None else published
        published_at = self.published_at
        if is_published and published_at is None:
            published_at = now
        cover = None if clear_cover else (cover_image_id or self.cover_image_id)
        return replace(
            self,
            slug=self.slug if slug is None else slug,
            title=self.title if title is None else title.strip(),
            content=new_content,
            excerpt=excerpt_of(new_content),
            published=is_published,
            published_at=published_at,
            tags=self.tags if tags is None else tags,
            cover_image_id=cover,
            version=self.version + 1,
            updated_at=now,
        )

    def is_visible_to(self, reader: Reader) -> bool:
        """Published posts are everyone's; drafts their author's, editors' and admins'."""
        return self.published or self.may_be_edited_by(reader)

    def may_be_edited_by(self, reader: Reader) -> bool:
        """The author, editors and admins edit a post."""
        return reader.is_staff or self.is_authored_by(reader)

    def may_be_deleted_by(self, reader: Reader) -> bool:
        """The author and admins delete a post (editors don't)."""
        return reader.is_admin or self.is_authored_by(reader)

    def is_authored_by(self, reader: Reader) -> bool:
        """True when the reader wrote the post."""
        return reader.user_id is not None and reader.user_id == self.author_id

    def require_editable_by(self, reader: Reader) -> None:
        """PostNotFound for a draft the reader can't see, PermissionDenied for one they can
        see but not edit."""
        if not self.is_visible_to(reader):
            raise PostNotFound()
        if not self.may_be_edited_by(reader):
            raise PermissionDenied("Only the author, editors and admins edit a post")


@dataclass(frozen=True)
class Comment:
    """A reader's comment on a published post."""

    id: UUID
    post_id: UUID
    author_id: UUID
    content: str
    created_at: datetime

    @classmethod
    def write(
        cls, comment_id: UUID, post_id: UUID, author_id: UUID, content: str, now: datetime
    ) -> Comment:
        """A new comment (its content checked)."""
        return cls(comment_id, post_id, author_id, check_comment(content), now)

    def may_be_deleted_by(self, reader: Reader, post: Post) -> bool:
        """The comment's author, the post's author, editors and admins delete a comment."""
        mine = reader.user_id is not None and reader.user_id == self.author_id
        return mine or reader.is_staff or post.is_authored_by(reader)
