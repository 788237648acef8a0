"""Steps of the counters features: a page's hits, counts and badges; the admins' list."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from tests.bdd.accounts.steps import ACTOR
from tests.bdd.accounts.world import AccountsWorld
from tests.bdd.apikeys.world import MADE_UP_KEY, ApiKeysWorld
from tests.bdd.counters.world import CountersWorld
from tests.bdd.shared.context import World

COUNTER = r'"(?P<name>[^"]*)"'
WITH_KEY = (
    r'(?:with the key "(?P<key>[^"]+)"|(?P<none>without a key)|(?P<made_up>with a made-up key))'
)
FROM = r'(?: from "(?P<origin>[^"]+)")?'


def _sent(apikeys: ApiKeysWorld, key: str | None, made_up: str | None) -> str | None:
    if made_up:
        return MADE_UP_KEY
    return apikeys.key(key) if key else None


@given(
    parsers.re(
        rf"the counter {COUNTER} has had (?P<hits>\d+) hits? with the key \"(?P<key>[^\"]+)\""
    )
)
def counter_has_hits(
    counters: CountersWorld, apikeys: ApiKeysWorld, name: str, hits: str, key: str
) -> None:
    """Earlier visits (each must succeed)."""
    for _ in range(int(hits)):
        outcome = counters.driver.hit(apikeys.key(key), name, None)
        assert outcome.ok, outcome.describe()


@when(parsers.re(rf"a page hits the counter {COUNTER} {WITH_KEY}{FROM}"))
def page_hits(
    world: World,
    counters: CountersWorld,
    apikeys: ApiKeysWorld,
    name: str,
    key: str | None,
    none: str | None,
    made_up: str | None,
    origin: str | None,
) -> None:
    """A static page's script adds a visit."""
    world.record(counters.driver.hit(_sent(apikeys, key, made_up), name, origin))


@when(parsers.re(rf"a page reads the counter {COUNTER} {WITH_KEY}"))
def page_reads(
    world: World,
    counters: CountersWorld,
    apikeys: ApiKeysWorld,
    name: str,
    key: str | None,
    none: str | None,
    made_up: str | None,
) -> None:
    """A page reads the count without adding a visit."""
    world.record(counters.driver.read(_sent(apikeys, key, made_up), name))


@when(parsers.re(rf"a page shows the badge of the counter {COUNTER} {WITH_KEY}"))
def page_shows_badge(
    world: World,
    counters: CountersWorld,
    apikeys: ApiKeysWorld,
    name: str,
    key: str | None,
    none: str | None,
    made_up: str | None,
) -> None:
    """A page shows the counter's badge image."""
    world.record(counters.driver.badge(_sent(apikeys, key, made_up), name))


@when(parsers.re(rf"{ACTOR} lists the counters"))
def lists_counters(
    world: World, accounts: AccountsWorld, counters: CountersWorld, actor: str
) -> None:
    """The admins' list of every counter."""
    world.record(counters.driver.list_counters(accounts.access(actor)))


@then(parsers.re(r"the counter shows (?P<count>\d+)"))
def counter_shows(world: World, count: str) -> None:
    """The count returned by the last hit or read."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    assert outcome.data["count"] == int(count), outcome.data


@then(parsers.re(r"the badge shows (?P<count>\d+)"))
def badge_shows(world: World, count: str) -> None:
    """The count drawn on the last badge."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    assert outcome.data["badge"] == int(count), outcome.data


@then(parsers.re(r"the listed counters are (?P<rows>.+)"))
def listed_counters(world: World, rows: str) -> None:
    """Every counter listed, in order, as `"name" with N`."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    shown = [f'"{c["name"]}" with {c["count"]}' for c in outcome.data["data"]]
    assert ", ".join(shown) == rows, shown
