"""Steps of the accounts features: one's own profile, and administering everyone's account."""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

from pytest_bdd import parsers, step, then, when

from tests.bdd.accounts.driver import UserFilters
from tests.bdd.accounts.steps import ACTOR, EMAIL, HER
from tests.bdd.accounts.world import AccountsWorld
from tests.bdd.shared.context import World

# --- profile ---------------------------------------------------------------------------------


@when(parsers.re(rf"{ACTOR} views {HER} profile"))
def views_profile(world: World, accounts: AccountsWorld, actor: str) -> None:
    """Look at one's own account."""
    world.record(accounts.driver.me(accounts.access(actor)))


@step(parsers.re(rf'{ACTOR} (?:changes|has changed) {HER} name to "(?P<name>[^"]*)"'))
def changes_name(world: World, accounts: AccountsWorld, actor: str, name: str) -> None:
    """Rename oneself."""
    world.record(accounts.driver.update_me(accounts.access(actor), name))


@when(parsers.re(rf"{ACTOR} changes {HER} name to a name of (?P<length>\d+) characters"))
def changes_name_to_length(world: World, accounts: AccountsWorld, actor: str, length: str) -> None:
    """Rename oneself with a name of a given length."""
    world.record(accounts.driver.update_me(accounts.access(actor), "N" * int(length)))


@when(parsers.re(rf'{ACTOR} changes {HER} password from "(?P<current>[^"]*)" to "(?P<new>[^"]*)"'))
def changes_password(
    world: World, accounts: AccountsWorld, actor: str, current: str, new: str
) -> None:
    """Change one's own password, proving the current one."""
    world.record(accounts.driver.change_password(accounts.access(actor), current, new))


# --- user administration ---------------------------------------------------------------------

_LIST_OPTIONS = (
    (r'matching "(?P<search>[^"]*)"', "search"),
    (r'with the role "(?P<role>[^"]+)"', "role"),
    (r"who are (?P<active>active|deactivated)", "active"),
    (r'sorted by "(?P<sort>[^"]+)"', "sort"),
    (r"(?:showing )?page (?P<page>\d+)", "page"),
    (r"(?:with )?(?P<limit>\d+) per page", "limit"),
)


def parse_list_options(text: str) -> UserFilters:
    """Read options such as `matching "bob", sorted by "-email", page 2 with 2 per page`."""
    filters = UserFilters()
    rest = text
    for pattern, name in _LIST_OPTIONS:
        match = re.search(pattern, rest)
        if match is None:
            continue
        raw = match.group(name)
        value: Any = raw
        if name == "active":
            value = raw == "active"
        elif name in ("page", "limit"):
            value = int(raw)
        setattr(filters, name, value)
        rest = rest[: match.start()] + rest[match.end() :]
    leftover = re.sub(r"\b(?:and|with)\b|,", " ", rest).strip()
    assert not leftover, f"unknown list option(s): {leftover!r}"
    return filters


@when(parsers.re(rf"{ACTOR} lists the users(?: (?P<options>.+))?"))
def lists_users(world: World, accounts: AccountsWorld, actor: str, options: str | None) -> None:
    """The admin user list, with optional search, filters, sorting and paging."""
    filters = parse_list_options(options or "")
    world.record(accounts.driver.list_users(accounts.access(actor), filters))


@when(
    parsers.re(
        rf"{ACTOR} creates an? (?:(?P<tier>standard|regular|premium) )?"
        rf"(?P<role>customer|editor|admin) {EMAIL}"
        rf'(?: named "(?P<name>[^"]+)")? with password "(?P<password>[^"]*)"'
    )
)
def creates_user(
    world: World,
    accounts: AccountsWorld,
    actor: str,
    tier: str | None,
    role: str,
    email: str,
    name: str | None,
    password: str,
) -> None:
    """An admin opens an account for someone, optionally in a given tier."""
    access = accounts.access(actor)
    outcome = world.record(
        accounts.driver.create_user(access, email, password, name=name, role=role, tier=tier)
    )
    if outcome.ok:
        accounts.ids[outcome.data["email"]] = outcome.data["id"]
        accounts.passwords[outcome.data["email"]] = password


@when(parsers.re(rf"{ACTOR} views the user {EMAIL}"))
def views_user(world: World, accounts: AccountsWorld, actor: str, email: str) -> None:
    """Look at someone's account."""
    world.record(accounts.driver.get_user(accounts.access(actor), accounts.user_id(email)))


@when(parsers.re(rf"{ACTOR} (?P<action>views|deletes) a user that does not exist"))
def acts_on_missing_user(world: World, accounts: AccountsWorld, actor: str, action: str) -> None:
    """Address an account id that was never issued."""
    missing = str(uuid4())
    access = accounts.access(actor)
    act = accounts.driver.get_user if action == "views" else accounts.driver.delete_user
    world.record(act(access, missing))


@when(
    parsers.re(
        rf'{ACTOR} changes the (?P<field>role|tier|email|name) of {EMAIL} to "(?P<value>[^"]*)"'
    )
)
def changes_user_field(
    world: World, accounts: AccountsWorld, actor: str, field: str, email: str, value: str
) -> None:
    """An admin changes one field of someone's account."""
    user_id = accounts.user_id(email)
    outcome = world.record(
        accounts.driver.update_user(accounts.access(actor), user_id, {field: value})
    )
    if outcome.ok and field == "email":
        accounts.ids[outcome.data["email"]] = user_id


@step(parsers.re(rf"{ACTOR} (?P<action>deactivates|reactivates) {EMAIL}"))
def switches_account(
    world: World, accounts: AccountsWorld, actor: str, action: str, email: str
) -> None:
    """An admin switches an account off or on again."""
    changes = {"active": action == "reactivates"}
    world.record(
        accounts.driver.update_user(accounts.access(actor), accounts.user_id(email), changes)
    )


@when(parsers.re(rf"{ACTOR} deletes {EMAIL}"))
def deletes_user(world: World, accounts: AccountsWorld, actor: str, email: str) -> None:
    """An admin removes an account."""
    world.record(accounts.driver.delete_user(accounts.access(actor), accounts.user_id(email)))


@then(parsers.re(r"the listed users are (?P<emails>.+)"))
def listed_users_are(world: World, emails: str) -> None:
    """The page holds exactly these accounts, in this order."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    expected = re.findall(r'"([^"]+)"', emails)
    listed = [u["email"] for u in outcome.data["data"]]
    assert listed == expected, f"expected {expected}, listed {listed}"


# --- what an account looks like --------------------------------------------------------------


def _returned_user(world: World) -> dict[str, Any]:
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    data: dict[str, Any] = outcome.data
    user: dict[str, Any] = data.get("user", data)
    return user


@then(
    parsers.re(r'the returned account has the (?P<field>email|name|role|tier) "(?P<value>[^"]*)"')
)
def returned_account_has(world: World, field: str, value: str) -> None:
    """A field of the account the last action returned."""
    user = _returned_user(world)
    assert user[field] == value, f"{field} is {user[field]!r}, expected {value!r}"


@then(
    parsers.re(r"the returned account is (?P<state>verified|not verified yet|active|deactivated)")
)
def returned_account_is(world: World, state: str) -> None:
    """The verification or activation state of the returned account."""
    user = _returned_user(world)
    expected = {
        "verified": ("emailVerified", True),
        "not verified yet": ("emailVerified", False),
        "active": ("active", True),
        "deactivated": ("active", False),
    }[state]
    assert user[expected[0]] is expected[1], user


@then("the returned account reveals no password")
def returned_account_has_no_password(world: World) -> None:
    """No password or hash, under any name, in what was returned."""
    user = _returned_user(world)
    secret_keys = [k for k in user if "password" in k.lower() or "hash" in k.lower()]
    assert not secret_keys, secret_keys
