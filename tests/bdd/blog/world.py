"""What a scenario remembers about the blog: the posts and comments it named, and the
versions of posts people read."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.bdd.blog.driver import BlogDriver


@dataclass
class BlogWorld:
    """The blog part of one scenario's state, shared by its steps."""

    driver: BlogDriver
    posts: dict[str, str] = field(default_factory=dict)  # title -> id
    slugs: dict[str, str] = field(default_factory=dict)  # title -> slug when written
    comments: dict[str, str] = field(default_factory=dict)  # content -> id
    # (reader email, title) -> the ETag of the post as that reader last read it
    read_versions: dict[tuple[str | None, str], str] = field(default_factory=dict)

    def post_id(self, title: str) -> str:
        """The id of a post the scenario named."""
        assert title in self.posts, f'the scenario never introduced a post "{title}"'
        return self.posts[title]

    def comment_id(self, content: str) -> str:
        """The id of a comment the scenario named."""
        assert content in self.comments, f'the scenario never introduced a comment "{content}"'
        return self.comments[content]
