"""Blog specs: writing, publishing, editing, commenting, tagging, searching and who sees drafts."""

from tests.bdd.blog.http import HttpBlog
from tests.bdd.blog.use_case import UseCaseBlog
from tests.bdd.blog.world import BlogWorld
from tests.bdd.shared.context import Context

CONTEXT = Context(
    name="blog",
    drivers={"use_case": UseCaseBlog, "http": HttpBlog},
    part=BlogWorld,
    steps=("tests.bdd.blog.steps",),
)
