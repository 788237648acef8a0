"""The blog actions as requests to the HTTP API."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from tests.bdd.blog.driver import BlogDriver, PostFilters
from tests.bdd.shared.outcome import Outcome

if TYPE_CHECKING:
    # Only for the annotations: the default run never loads the app.
    from tests.bdd.shared.http import HttpSystem

_ATOM = "{http://www.w3.org/2005/Atom}"


class HttpBlog(BlogDriver):
    """Sends the blog actions to /posts, /comments and /tags."""

    system: HttpSystem

    def __init__(self, system: HttpSystem) -> None:
        super().__init__(system)
        self.send = system.send

    def write_post(self, access: str | None, fields: dict[str, Any]) -> Outcome:
        """Write a post."""
        return self.send("POST", "/posts", access=access, json=fields)

    def read_post(self, access: str | None, slug: str) -> Outcome:
        """Read a post by slug: its body and ETag, or where a 301 points."""
        response = self.system.raw("GET", f"/posts/{slug}", access=access)
        if response.status_code == 301:
            return Outcome(data={"movedTo": response.headers["location"].rsplit("/", 1)[-1]})
        if response.status_code != 200:
            return self.system.outcome_of(response)
        return Outcome(data={"post": response.json(), "etag": response.headers["etag"]})

    def edit_post(
        self, access: str | None, post_id: str, changes: dict[str, Any], etag: str | None
    ) -> Outcome:
        """PATCH the post, with If-Match when an ETag is given."""
        headers = {"If-Match": etag} if etag is not None else {}
        response = self.system.raw(
            "PATCH", f"/posts/{post_id}", access=access, json=changes, headers=headers
        )
        if response.status_code != 200:
            return self.system.outcome_of(response)
        return Outcome(data={"post": response.json(), "etag": response.headers["etag"]})

    def delete_post(self, access: str | None, post_id: str) -> Outcome:
        """Delete a post."""
        return self.send("DELETE", f"/posts/{post_id}", access=access)

    def list_posts(self, access: str | None, filters: PostFilters) -> Outcome:
        """List posts."""
        wire = {"search": filters.search, "tag": filters.tag, "sort": filters.sort}
        params = {k: str(v) for k, v in wire.items() if v is not None}
        if filters.mine:
            params["mine"] = "true"
        if filters.published is not None:
            params["published"] = "true" if filters.published else "false"
        return self.send("GET", "/posts", access=access, params=params)

    def comment(self, access: str | None, post_id: str, content: str) -> Outcome:
        """Comment on a post."""
        path = f"/posts/{post_id}/comments"
        return self.send("POST", path, access=access, json={"content": content})

    def list_comments(self, access: str | None, post_id: str) -> Outcome:
        """A post's comments."""
        return self.send("GET", f"/posts/{post_id}/comments", access=access)

    def delete_comment(self, access: str | None, comment_id: str) -> Outcome:
        """Delete a comment."""
        return self.send("DELETE", f"/comments/{comment_id}", access=access)

    def list_tags(self, access: str | None) -> Outcome:
        """The tags with their counts."""
        return self.send("GET", "/tags", access=access)

    def feed_titles(self, access: str | None) -> Outcome:
        """The entry titles of the Atom feed."""
        response = self.system.raw("GET", "/posts/feed.xml", access=access)
        if response.status_code != 200:
            return self.system.outcome_of(response)
        root = ET.fromstring(response.content)
        titles = [e.findtext(f"{_ATOM}title") or "" for e in root.findall(f"{_ATOM}entry")]
        return Outcome(data=titles)
