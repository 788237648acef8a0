"""Steps of the accounts features: people, sign-up, sessions, profile and administration."""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

from pytest_bdd import given, parsers, step, then, when

from tests.bdd.drivers.base import Outcome, UserFilters, token_in
from tests.bdd.world import (
    ANONYMOUS,
    ANOTHER_DEVICE,
    DEFAULT_PASSWORD,
    DEVICE_ADDRESSES,
    HER_DEVICE,
    WRONG_PASSWORD,
    World,
)

# Who acts: a quoted email, "she" (the last person named), "the admin", or nobody.
ACTOR = rf'(?P<actor>the admin|she|he|they|{ANONYMOUS}|"[^"]+")'
HER = r"(?:her|his|their|the)"
DEVICE = rf"(?: (?:on|from) (?P<device>{ANOTHER_DEVICE}))?"
EMAIL = r'"(?P<email>[^"]+)"'
NAMED = r'(?: named "(?P<name>[^"]+)")?'
WITH_PASSWORD = r'(?: with password "(?P<password>[^"]+)")?'


def _device(device: str | None) -> str:
    return device or HER_DEVICE


def remember_session(world: World, email: str, device: str, outcome: Outcome) -> None:
    """Keep the tokens of a successful login or refresh for later steps."""
    if outcome.ok:
        key = (email, device)
        if key in world.sessions:
            world.previous_refresh[key] = world.sessions[key]["refreshToken"]
        world.sessions[key] = outcome.data


def _seed(world: World, email: str, password: str | None, **kwargs: Any) -> None:
    password = password or DEFAULT_PASSWORD
    world.ids[email.lower()] = world.driver.seed_user(email, password, **kwargs)
    world.passwords[email.lower()] = password
    world.introduce(email)


def _password_of_length(length: int) -> str:
    """A password that follows every rule but its length."""
    return ("Aa1" + "x" * length)[:length]


# --- people ----------------------------------------------------------------------------------


@given(parsers.re(rf"a verified customer {EMAIL}{NAMED}{WITH_PASSWORD}"))
def verified_customer(world: World, email: str, name: str | None, password: str | None) -> None:
    """A customer who has confirmed her email and may log in."""
    _seed(world, email, password, name=name)


@given(parsers.re(rf"an? (?P<role>admin|editor) {EMAIL}{NAMED}{WITH_PASSWORD}"))
def staff_member(
    world: World, role: str, email: str, name: str | None, password: str | None
) -> None:
    """A verified admin or editor; the first admin becomes "the admin"."""
    _seed(world, email, password, name=name, role=role)
    if role == "admin" and world.admin is None:
        world.admin = email.lower()


@given(
    parsers.re(rf"an? (?P<tier>standard|regular|premium) customer {EMAIL}{NAMED}{WITH_PASSWORD}")
)
def customer_in_tier(
    world: World, tier: str, email: str, name: str | None, password: str | None
) -> None:
    """A verified customer in a loyalty tier."""
    _seed(world, email, password, name=name, tier=tier)


@given(parsers.re(rf"a deactivated customer {EMAIL}{WITH_PASSWORD}"))
def deactivated_customer(world: World, email: str, password: str | None) -> None:
    """A customer whose account an admin has switched off."""
    _seed(world, email, password, active=False)


@given("these users exist:")
def these_users_exist(world: World, datatable: list[list[str]]) -> None:
    """Several verified accounts; columns: email, and any of name, role, tier, active."""
    header, *rows = datatable
    for row in rows:
        values = dict(zip(header, row, strict=True))
        _seed(
            world,
            values["email"],
            values.get("password") or None,
            name=values.get("name") or None,
            role=values.get("role") or "customer",
            tier=values.get("tier") or "standard",
            active=values.get("active", "yes") != "no",
        )


# --- registration and verification -----------------------------------------------------------


@step(
    parsers.re(
        rf'{EMAIL} (?:registers|has registered) with password "(?P<password>[^"]*)"'
        r'(?: and name "(?P<name>[^"]+)")?'
    )
)
def registers(world: World, email: str, password: str, name: str | None) -> None:
    """Sign up; as a Given it must succeed."""
    world.introduce(email)
    outcome = world.record(world.driver.register(email, password, name))
    if outcome.ok:
        world.ids[outcome.data["email"]] = outcome.data["id"]
        world.passwords[outcome.data["email"]] = password


@when(parsers.re(rf"{EMAIL} registers with a password of (?P<length>\d+) characters"))
def registers_with_password_length(world: World, email: str, length: str) -> None:
    """Sign up with a password that is only wrong in its length."""
    registers(world, email, _password_of_length(int(length)), None)


@step(
    parsers.re(rf"{ACTOR} (?:opens|has opened) the verification link from {HER} email(?: again)?")
)
def opens_verification_link(world: World, actor: str) -> None:
    """Redeem the token of the newest verification email she received."""
    email = world.person(actor)
    assert email
    token = world.driver.token_from_last_email(email, "Confirm your email address")
    world.record(world.driver.verify_email(token))


@when(parsers.re(r'someone opens a verification link with the token "(?P<token>[^"]+)"'))
def opens_unknown_verification_link(world: World, token: str) -> None:
    """Redeem a token we never issued."""
    world.record(world.driver.verify_email(token))


@step(parsers.re(rf"{EMAIL} (?:asks|has asked) for a new verification email"))
def asks_for_new_verification_email(world: World, email: str) -> None:
    """Ask to have the verification email sent again."""
    world.introduce(email)
    world.record(world.driver.resend_verification(email))


# --- logging in and sessions -----------------------------------------------------------------


@step(parsers.re(rf'{EMAIL} (?:logs|has logged) in with password "(?P<password>[^"]*)"{DEVICE}'))
def logs_in(world: World, email: str, password: str, device: str | None) -> None:
    """Log in from one of her devices."""
    who = world.introduce(email)
    device = _device(device)
    outcome = world.record(world.driver.login(email, password, DEVICE_ADDRESSES[device]))
    remember_session(world, who, device, outcome)


@given(parsers.re(rf"{ACTOR} (?:is|is also) signed in{DEVICE}"))
def signed_in(world: World, actor: str, device: str | None) -> None:
    """Log in with her known password; this must work."""
    email = world.person(actor)
    assert email, "an anonymous visitor cannot sign in"
    device = _device(device)
    outcome = world.driver.login(email, world.passwords[email], DEVICE_ADDRESSES[device])
    assert outcome.ok, f"{email} could not sign in: {outcome.describe()}"
    remember_session(world, email, device, outcome)


@given(parsers.re(rf"{EMAIL} failed to log in (?P<times>\d+) times{DEVICE}"))
def failed_logins(world: World, email: str, times: str, device: str | None) -> None:
    """Several attempts with a wrong password, each refused."""
    world.introduce(email)
    address = DEVICE_ADDRESSES[_device(device)]
    for _ in range(int(times)):
        outcome = world.driver.login(email, WRONG_PASSWORD, address)
        assert outcome.refusal == "unauthorized", outcome.describe()


@step(parsers.re(rf"{ACTOR} (?:refreshes|has refreshed) {HER} session{DEVICE}"))
def refreshes_session(world: World, actor: str, device: str | None) -> None:
    """Trade her current refresh token for a new session."""
    email = world.person(actor)
    assert email
    device = _device(device)
    token = world.session(email, device)["refreshToken"]
    outcome = world.record(world.driver.refresh(token))
    remember_session(world, email, device, outcome)


@step(
    parsers.re(
        rf"{ACTOR} (?:refreshes|has refreshed) {HER} session with {HER} previous refresh token"
    )
)
def refreshes_with_previous_token(world: World, actor: str) -> None:
    """Present a refresh token that was already traded in."""
    email = world.person(actor)
    assert email
    key = (email, HER_DEVICE)
    assert key in world.previous_refresh, f"{email} never refreshed her session"
    world.record(world.driver.refresh(world.previous_refresh[key]))


@when(parsers.re(r'someone refreshes a session with the token "(?P<token>[^"]+)"'))
def refreshes_unknown_token(world: World, token: str) -> None:
    """Present a refresh token we never issued."""
    world.record(world.driver.refresh(token))


@step(parsers.re(rf"{ACTOR} (?:logs|has logged) out{DEVICE}"))
def logs_out(world: World, actor: str, device: str | None) -> None:
    """End the login of one device."""
    email = world.person(actor)
    assert email
    token = world.session(email, _device(device))["refreshToken"]
    world.record(world.driver.logout(token))


@then(parsers.re(rf"{ACTOR} is signed in as {EMAIL}"))
def is_signed_in_as(world: World, actor: str, email: str) -> None:
    """The last action opened a session whose access token works for this account."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    assert outcome.data["tokenType"] == "Bearer"
    profile = world.driver.me(outcome.data["accessToken"])
    assert profile.ok, profile.describe()
    assert profile.data["email"] == email


@then(parsers.re(rf"{ACTOR} receives a new refresh token"))
def receives_new_refresh_token(world: World, actor: str) -> None:
    """The last refresh handed out a token different from the one traded in."""
    email = world.person(actor)
    assert email
    key = (email, HER_DEVICE)
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    assert outcome.data["refreshToken"] != world.previous_refresh[key]


@then(parsers.re(rf"(?:her|his|their) session{DEVICE} is ended"))
def session_is_ended(world: World, device: str | None) -> None:
    """Her refresh token on that device no longer works."""
    assert world.current
    token = world.session(world.current, _device(device))["refreshToken"]
    outcome = world.driver.refresh(token)
    assert outcome.refusal == "unauthorized", f"session still works: {outcome.describe()}"


@then(parsers.re(rf"(?:her|his|their) session{DEVICE} is still active"))
def session_is_active(world: World, device: str | None) -> None:
    """Her refresh token on that device still works."""
    assert world.current
    device = _device(device)
    outcome = world.driver.refresh(world.session(world.current, device)["refreshToken"])
    assert outcome.ok, f"session ended: {outcome.describe()}"
    remember_session(world, world.current, device, outcome)


@then(parsers.re(rf'{EMAIL} can log in with password "(?P<password>[^"]*)"'))
def can_log_in(world: World, email: str, password: str) -> None:
    """Logging in with these credentials works."""
    outcome = world.driver.login(email, password, DEVICE_ADDRESSES[HER_DEVICE])
    assert outcome.ok, outcome.describe()


@then(parsers.re(rf'{EMAIL} can no longer log in with password "(?P<password>[^"]*)"'))
def cannot_log_in(world: World, email: str, password: str) -> None:
    """These credentials are refused as invalid credentials."""
    outcome = world.driver.login(email, password, DEVICE_ADDRESSES[HER_DEVICE])
    assert outcome.refusal == "unauthorized", outcome.describe()


# --- password reset --------------------------------------------------------------------------


@step(parsers.re(rf"{EMAIL} (?:asks|has asked) to reset {HER} password"))
def asks_password_reset(world: World, email: str) -> None:
    """Ask for a password reset email."""
    world.introduce(email)
    world.record(world.driver.forgot_password(email))


@step(
    parsers.re(
        rf'{ACTOR} (?:resets|has reset) {HER} password to "(?P<password>[^"]*)"'
        rf" with the link from {HER} (?P<first>first reset )?email"
    )
)
def resets_password(world: World, actor: str, password: str, first: str | None) -> None:
    """Redeem the newest (or the first) reset email's token with a new password."""
    email = world.person(actor)
    assert email
    if first:
        emails = world.driver.emails_to(email, "Reset your password")
        assert emails, f"no reset email was sent to {email}"
        token = token_in(emails[0])
    else:
        token = world.driver.token_from_last_email(email, "Reset your password")
    world.record(world.driver.reset_password(token, password))


@when(
    parsers.re(
        r'someone resets a password with the token "(?P<token>[^"]+)"'
        r' and the new password "(?P<password>[^"]*)"'
    )
)
def resets_with_unknown_token(world: World, token: str, password: str) -> None:
    """Redeem a reset token we never issued."""
    world.record(world.driver.reset_password(token, password))


# --- profile ---------------------------------------------------------------------------------


@when(parsers.re(rf"{ACTOR} views {HER} profile"))
def views_profile(world: World, actor: str) -> None:
    """Look at one's own account."""
    world.record(world.driver.me(world.access(actor)))


@step(parsers.re(rf'{ACTOR} (?:changes|has changed) {HER} name to "(?P<name>[^"]*)"'))
def changes_name(world: World, actor: str, name: str) -> None:
    """Rename oneself."""
    world.record(world.driver.update_me(world.access(actor), name))


@when(parsers.re(rf"{ACTOR} changes {HER} name to a name of (?P<length>\d+) characters"))
def changes_name_to_length(world: World, actor: str, length: str) -> None:
    """Rename oneself with a name of a given length."""
    world.record(world.driver.update_me(world.access(actor), "N" * int(length)))


@when(parsers.re(rf'{ACTOR} changes {HER} password from "(?P<current>[^"]*)" to "(?P<new>[^"]*)"'))
def changes_password(world: World, actor: str, current: str, new: str) -> None:
    """Change one's own password, proving the current one."""
    world.record(world.driver.change_password(world.access(actor), current, new))


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
def lists_users(world: World, actor: str, options: str | None) -> None:
    """The admin user list, with optional search, filters, sorting and paging."""
    filters = parse_list_options(options or "")
    world.record(world.driver.list_users(world.access(actor), filters))


@when(
    parsers.re(
        rf"{ACTOR} creates an? (?:(?P<tier>standard|regular|premium) )?"
        rf"(?P<role>customer|editor|admin) {EMAIL}"
        rf'(?: named "(?P<name>[^"]+)")? with password "(?P<password>[^"]*)"'
    )
)
def creates_user(
    world: World,
    actor: str,
    tier: str | None,
    role: str,
    email: str,
    name: str | None,
    password: str,
) -> None:
    """An admin opens an account for someone, optionally in a given tier."""
    access = world.access(actor)
    outcome = world.record(
        world.driver.create_user(access, email, password, name=name, role=role, tier=tier)
    )
    if outcome.ok:
        world.ids[outcome.data["email"]] = outcome.data["id"]
        world.passwords[outcome.data["email"]] = password


@when(parsers.re(rf"{ACTOR} views the user {EMAIL}"))
def views_user(world: World, actor: str, email: str) -> None:
    """Look at someone's account."""
    world.record(world.driver.get_user(world.access(actor), world.user_id(email)))


@when(parsers.re(rf"{ACTOR} (?P<action>views|deletes) a user that does not exist"))
def acts_on_missing_user(world: World, actor: str, action: str) -> None:
    """Address an account id that was never issued."""
    missing = str(uuid4())
    access = world.access(actor)
    act = world.driver.get_user if action == "views" else world.driver.delete_user
    world.record(act(access, missing))


@when(
    parsers.re(
        rf'{ACTOR} changes the (?P<field>role|tier|email|name) of {EMAIL} to "(?P<value>[^"]*)"'
    )
)
def changes_user_field(world: World, actor: str, field: str, email: str, value: str) -> None:
    """An admin changes one field of someone's account."""
    user_id = world.user_id(email)
    outcome = world.record(world.driver.update_user(world.access(actor), user_id, {field: value}))
    if outcome.ok and field == "email":
        world.ids[outcome.data["email"]] = user_id


@step(parsers.re(rf"{ACTOR} (?P<action>deactivates|reactivates) {EMAIL}"))
def switches_account(world: World, actor: str, action: str, email: str) -> None:
    """An admin switches an account off or on again."""
    changes = {"active": action == "reactivates"}
    world.record(world.driver.update_user(world.access(actor), world.user_id(email), changes))


@when(parsers.re(rf"{ACTOR} deletes {EMAIL}"))
def deletes_user(world: World, actor: str, email: str) -> None:
    """An admin removes an account."""
    world.record(world.driver.delete_user(world.access(actor), world.user_id(email)))


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
