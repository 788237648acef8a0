"""Steps of the API keys features: the operator creates, lists and revokes keys."""

from __future__ import annotations

from pytest_bdd import given, parsers, step, then, when

from tests.bdd.apikeys.world import ApiKeysWorld
from tests.bdd.shared.context import World

NAME = r'"(?P<name>[^"]*)"'
SCOPES = (
    r'(?: for the counters "(?P<counters>[^"]*)")?'
    r'(?: from the origins? "(?P<origins>[^"]*)")?'
)


def _words(raw: str | None) -> tuple[str, ...]:
    return tuple(word.strip() for word in (raw or "").split(",") if word.strip())


def _create(
    world: World, apikeys: ApiKeysWorld, name: str, counters: str | None, origins: str | None
) -> None:
    outcome = world.record(apikeys.driver.create(name, _words(counters), _words(origins)))
    if outcome.ok:
        apikeys.keys[name] = outcome.data["key"]


@given(parsers.re(rf"an API key {NAME}{SCOPES}"))
def api_key_exists(
    world: World, apikeys: ApiKeysWorld, name: str, counters: str | None, origins: str | None
) -> None:
    """A key the operator created (it must succeed)."""
    _create(world, apikeys, name, counters, origins)
    assert world.outcome().ok, world.outcome().describe()


@when(parsers.re(rf"the operator creates an API key {NAME}{SCOPES}"))
def creates_api_key(
    world: World, apikeys: ApiKeysWorld, name: str, counters: str | None, origins: str | None
) -> None:
    """`hexashop apikeys create NAME [--counters ...] [--origins ...]`."""
    _create(world, apikeys, name, counters, origins)


@step(parsers.re(rf"the operator (?P<tense>revokes|has revoked) the API key {NAME}"))
def revokes_api_key(world: World, apikeys: ApiKeysWorld, tense: str, name: str) -> None:
    """`hexashop apikeys revoke NAME` (`has revoked`: it must succeed)."""
    outcome = world.record(apikeys.driver.revoke(name))
    if tense == "has revoked":
        assert outcome.ok, outcome.describe()


@when("the operator lists the API keys")
def lists_api_keys(world: World, apikeys: ApiKeysWorld) -> None:
    """`hexashop apikeys list`."""
    world.record(apikeys.driver.list_keys())


@then("the new key is shown once, starting with its prefix")
def key_shown_once(world: World, apikeys: ApiKeysWorld) -> None:
    """The creation returned the key, which reads `hxk_<prefix>_<secret>`."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    assert outcome.data["key"].startswith(f"hxk_{outcome.data['prefix']}_"), outcome.data
    listed = apikeys.driver.list_keys()
    assert all("key" not in row for row in listed.data), "a listed key shows its secret"


@then(parsers.re(r"the listed API keys are (?P<rows>.+)"))
def listed_keys(world: World, rows: str) -> None:
    """The names listed, in order, each `(revoked)` when it is."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    shown = [f'"{k["name"]}"' + (" (revoked)" if k["revoked"] else "") for k in outcome.data]
    assert ", ".join(shown) == rows, shown


@then(parsers.re(r'the API key is limited to the counters "(?P<counters>[^"]*)"'))
def key_limited_to(world: World, counters: str) -> None:
    """The returned key's counter scope."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    assert outcome.data["counters"] == list(_words(counters)), outcome.data
