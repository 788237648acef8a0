"""The blog context: posts, their tags and comments."""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.comment_limiter import LimitsCommentLimiter
from adapters.sliding_windows import sliding_windows
from application.blog.add_comment import AddComment
from application.blog.delete_comment import DeleteComment
from application.blog.delete_post import DeletePost
from application.blog.feed import LatestPosts
from application.blog.get_post import GetPost, GetPostById
from application.blog.list_comments import ListComments
from application.blog.list_posts import ListPosts
from application.blog.list_tags import ListTags
from application.blog.update_post import UpdatePost
from application.blog.write_post import WritePost
from entrypoints.containers.access import OptionalCaller, Public, SignedIn


class BlogContainer(containers.DeclarativeContainer):
    """The blog use cases, wired to the shared adapters in `core` and to the comment limit."""

    core = providers.DependenciesContainer()

    # Redis (when configured) under the rate limits' prefix: one count across replicas.
    comment_limiter = providers.Singleton(
        LimitsCommentLimiter,
        windows=providers.Singleton(
            sliding_windows,
            redis_url=core.settings.provided.redis_url,
            key_prefix=core.settings.provided.rate_limit_key_prefix,
            timeout=core.settings.provided.redis_timeout_seconds,
        ),
    )

    # --- reading: public, but authors and staff signed in also see drafts ----------------
    list_posts = OptionalCaller(ListPosts, uow=core.read_uow)
    get_post = OptionalCaller(GetPost, uow=core.read_uow)
    # Internal: the CLI reads posts by id.
    get_post_by_id = providers.Factory(GetPostById, uow=core.read_uow)
    list_comments = Public(ListComments, uow=core.read_uow)
    list_tags = Public(ListTags, uow=core.read_uow)
    latest_posts = Public(LatestPosts, uow=core.read_uow)

    # --- writing (the use cases check who may) ---------------------------------------------
    write_post = SignedIn(WritePost, uow=core.uow, clock=core.clock)
    update_post = SignedIn(UpdatePost, uow=core.uow, clock=core.clock)
    delete_post = SignedIn(DeletePost, uow=core.uow)
    add_comment = SignedIn(AddComment, uow=core.uow, clock=core.clock, limiter=comment_limiter)
    delete_comment = SignedIn(DeleteComment, uow=core.uow)
