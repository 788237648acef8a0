"""Steps any feature may use: the passing of time, outcomes, refusals and list totals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pytest_bdd import parsers, step, then

from tests.bdd.shared.context import World
from tests.bdd.shared.outcome import field_key

_UNITS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}
REFUSAL = (
    r"(?:an? )?(?P<kind>invalid|unauthorized|forbidden|not found|conflict|too large"
    r"|out of range|rate limited|unavailable|changed since it was read)"
)


@step(parsers.re(r"(?P<amount>\d+) (?P<unit>minute|hour|day)s? pass(?:es)?"))
def time_passes(world: World, amount: str, unit: str) -> None:
    """Given 25 hours pass / When 31 minutes pass."""
    world.system.advance_clock(_UNITS[unit] * int(amount))


@then("the request succeeds")
def request_succeeds(world: World) -> None:
    """The last action was carried out."""
    outcome = world.outcome()
    assert outcome.ok, f"expected success, got {outcome.describe()}"


@then(parsers.re(rf"the request is refused as {REFUSAL}"))
def request_refused(world: World, kind: str) -> None:
    """The last action was refused for this reason."""
    outcome = world.outcome()
    assert outcome.refusal == kind, f"expected refusal '{kind}', got {outcome.describe()}"


# Business names of fields whose wire names carry a unit.
FIELD_ALIASES = {"price": "priceCents"}


@then(parsers.re(rf'the request is refused as {REFUSAL} with a problem on "(?P<field>[^"]+)"'))
def request_refused_on_field(world: World, kind: str, field: str) -> None:
    """The last action was refused, naming the field at fault."""
    request_refused(world, kind)
    fields = [field_key(f) for f in world.outcome().fields]
    expected = field_key(FIELD_ALIASES.get(field, field))
    assert expected in fields, f"expected a problem on {field!r}, got {fields}"


@then(parsers.re(rf'the request is refused as {REFUSAL} with the message "(?P<message>[^"]+)"'))
def request_refused_with_message(world: World, kind: str, message: str) -> None:
    """The last action was refused with exactly this explanation."""
    request_refused(world, kind)
    assert world.outcome().message == message, world.outcome().describe()


@then("the request is refused by a business rule")
def request_refused_by_rule(world: World) -> None:
    """The request was well formed, but a business rule does not allow it."""
    outcome = world.outcome()
    assert outcome.refusal == "business rule", f"expected a rule refusal, got {outcome.describe()}"


@then(
    parsers.re(r'the request is refused by a business rule with the message "(?P<message>[^"]+)"')
)
def request_refused_by_rule_with_message(world: World, message: str) -> None:
    """A business rule refused the request with exactly this explanation."""
    request_refused_by_rule(world)
    assert world.outcome().message == message, world.outcome().describe()


@then(
    parsers.re(
        r"the list counts (?P<total>\d+)"
        r" (?:users?|products?|orders?|files?|posts?|comments?|counters?)"
        r" in total on (?P<pages>\d+) pages?"
    )
)
def list_counts(world: World, total: str, pages: str) -> None:
    """The paging totals of the last list."""
    meta = _page_meta(world)
    assert (meta["total"], meta["totalPages"]) == (int(total), int(pages)), meta


@then(
    parsers.re(
        r"the list counts at least (?P<total>\d+)"
        r" (?:users?|products?|orders?|files?|posts?|comments?|counters?)"
        r" on (?P<pages>\d+) pages?"
    )
)
def list_counts_at_least(world: World, total: str, pages: str) -> None:
    """The last list's total is a lower bound (`totalExact` false): this many, or more."""
    meta = _page_meta(world)
    counted = (meta["total"], meta["totalPages"], meta["totalExact"])
    assert counted == (int(total), int(pages), False), meta


def _page_meta(world: World) -> dict[str, Any]:
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    meta: dict[str, Any] = outcome.data["meta"]
    return meta
