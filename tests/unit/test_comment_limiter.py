"""The comment limit, as the container wires it without Redis (limits' sliding window in
memory): COMMENT_LIMIT comments per user per window, then a refusal naming the seconds to wait,
and after them a comment is taken again. The limits library's clock (time.time) is moved by
hand instead of sleeping."""

from __future__ import annotations

import time
from uuid import UUID

import pytest

from application.blog.commands import AddCommentCommand, WritePostCommand
from application.shared.actor import Actor
from domain.blog import COMMENT_LIMIT, COMMENT_WINDOW_SECONDS
from domain.errors import RateLimited
from tests.unit.use_case_kit import Kit

# A quarter of a second into one of the limiter's windows (they start at multiples of
# COMMENT_WINDOW_SECONDS since the epoch), as time.time() is never a whole second in practice.
START = 3_000_000 * COMMENT_WINDOW_SECONDS + 0.25


class LimitsClock:
    """What time.time() answers while a test runs."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def limits_clock(monkeypatch: pytest.MonkeyPatch) -> LimitsClock:
    """time.time(), which limits reads (and the limiter, for the wait it names), under the
    test's control."""
    clock = LimitsClock()
    monkeypatch.setattr(time, "time", clock)
    return clock


async def _published_post(kit: Kit, author: Actor) -> UUID:
    post = await kit.write_post()(author, WritePostCommand("Hello", "Body", published=True))
    return post.id


async def _comment(kit: Kit, actor: Actor, post_id: UUID) -> None:
    await kit.add_comment()(actor, AddCommentCommand(post_id, "Nice post"))


async def test_the_comment_past_the_limit_is_refused_until_the_wait_it_names_has_passed(
    kit: Kit, limits_clock: LimitsClock
) -> None:
    ana = kit.actor(await kit.add_user("ana@example.com"))
    post_id = await _published_post(kit, ana)
    for _ in range(COMMENT_LIMIT):
        await _comment(kit, ana, post_id)

    with pytest.raises(RateLimited) as refused:
        await _comment(kit, ana, post_id)
    wait = refused.value.retry_after_seconds
    assert 1 <= wait <= COMMENT_WINDOW_SECONDS

    limits_clock.now = START + wait - 1
    with pytest.raises(RateLimited):
        await _comment(kit, ana, post_id)

    limits_clock.now = START + wait
    await _comment(kit, ana, post_id)

    assert len([c for c in kit.store.comments.values() if c.post_id == post_id]) == (
        COMMENT_LIMIT + 1
    )


async def test_one_users_limit_leaves_another_free_to_comment(
    kit: Kit, limits_clock: LimitsClock
) -> None:
    ana = kit.actor(await kit.add_user("ana@example.com"))
    bob = kit.actor(await kit.add_user("bob@example.com"))
    post_id = await _published_post(kit, ana)
    for _ in range(COMMENT_LIMIT):
        await _comment(kit, ana, post_id)

    with pytest.raises(RateLimited):
        await _comment(kit, ana, post_id)
    await _comment(kit, bob, post_id)
