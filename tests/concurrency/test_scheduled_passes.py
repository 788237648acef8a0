"""Two scheduled passes at once (two Lambda invocations overlapping) on one database and one
media folder: every email goes out once, every overdue order is cancelled once, and the
orphaned objects are swept without an error."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from dependency_injector import providers

from adapters.clock import FrozenClock, SystemClock
from adapters.sqlalchemy.messaging import outbox
from application.accounts.commands import RegisterUserCommand
from entrypoints.containers import Container, close_container
from entrypoints.lambda_schedule import run_scheduled_pass
from tests.concurrency.shop import Shop, run_together
from tests.support.fakes import FastPasswordHasher, RecordingMailer

EMAILS = 30
ORDERS = 6
ORPHANS = 5


def _never() -> bool:
    return False


async def _chunks(data: bytes):  # type: ignore[no-untyped-def]
    yield data


def _pass_container(shop: Shop, mailer: RecordingMailer, clock: FrozenClock) -> Container:
    """A second process's container on the same settings: its own engine and pool."""
    container = Container(settings=shop.container.settings())
    container.core.hasher.override(providers.Singleton(FastPasswordHasher))
    container.core.mailer.override(providers.Object(mailer))
    container.core.clock.override(providers.Object(clock))
    return container


async def test_two_overlapping_passes_apply_everything_exactly_once(shop: Shop) -> None:
    register = shop.container.accounts.register_user()
    for n in range(EMAILS):
        await register(RegisterUserCommand(email=f"reader{n}@example.com", password="Secret123"))
    product = await shop.product(stock=ORDERS)
    customer = await shop.customer()
    placed = [await shop.place(customer, product) for _ in range(ORDERS)]
    storage = shop.container.core.storage()
    for _ in range(ORPHANS):
        await storage.put(str(uuid4()), _chunks(b"orphan"), "application/octet-stream", {})
    # Both passes run a day later: every order is overdue, every object is old enough.
    later = FrozenClock(SystemClock().now() + timedelta(days=1))
    mailer = RecordingMailer()
    first, second = _pass_container(shop, mailer, later), _pass_container(shop, mailer, later)

    try:
        reports = await run_together(
            [run_scheduled_pass(first, _never), run_scheduled_pass(second, _never)]
        )
    finally:
        await close_container(first)
        await close_container(second)

    assert not [r for r in reports if isinstance(r, BaseException)], reports
    recipients = [message.to for message in mailer.sent]
    assert len(recipients) == len(set(recipients)) == EMAILS
    assert sum(r.sent for r in reports) == EMAILS  # type: ignore[union-attr]
    assert await shop.count(outbox, outbox.c.status == "sent") == EMAILS
    assert sum(r.expired for r in reports) == ORDERS  # type: ignore[union-attr]
    assert {await shop.order_status(order.id) for order in placed} == {"cancelled"}
    assert await shop.stock(product) == ORDERS  # released once per order, not twice
    assert await storage.keys_older_than(later.now()) == []
