"""Steps of the accounts features: people, sign-up and verification, sessions, password reset.

Profile and administration steps are in admin_steps.py."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, step, then, when

from tests.bdd.accounts.world import (
    ANONYMOUS,
    ANOTHER_DEVICE,
    DEFAULT_PASSWORD,
    DEVICE_ADDRESSES,
    HER_DEVICE,
    WRONG_PASSWORD,
    AccountsWorld,
)
from tests.bdd.messaging.driver import token_in
from tests.bdd.messaging.world import MessagingWorld
from tests.bdd.shared.context import World
from tests.bdd.shared.outcome import Outcome

# Who acts: a quoted email, "she" (the last person named), "the admin", or nobody.
ACTOR = rf'(?P<actor>the admin|she|he|they|{ANONYMOUS}|"[^"]+")'
HER = r"(?:her|his|their|the)"
# A device is "another device" or a named address ('from the address "2001:db8::1"').
DEVICE = rf'(?: (?:on|from) (?P<device>{ANOTHER_DEVICE}|the address "[^"]+"))?'
EMAIL = r'"(?P<email>[^"]+)"'
NAMED = r'(?: named "(?P<name>[^"]+)")?'
WITH_PASSWORD = r'(?: with password "(?P<password>[^"]+)")?'


def _device(device: str | None) -> str:
    return device or HER_DEVICE


def _address(device: str) -> str:
    """The client address a device logs in from."""
    return DEVICE_ADDRESSES.get(device) or device.split('"')[1]


def remember_session(accounts: AccountsWorld, email: str, device: str, outcome: Outcome) -> None:
    """Keep the tokens of a successful login or refresh for later steps."""
    if outcome.ok:
        key = (email, device)
        if key in accounts.sessions:
            accounts.previous_refresh[key] = accounts.sessions[key]["refreshToken"]
        accounts.sessions[key] = outcome.data


def _seed(accounts: AccountsWorld, email: str, password: str | None, **kwargs: Any) -> None:
    password = password or DEFAULT_PASSWORD
    accounts.ids[email.lower()] = accounts.driver.seed_user(email, password, **kwargs)
    accounts.passwords[email.lower()] = password
    accounts.introduce(email)


def _password_of_length(length: int) -> str:
    """A password that follows every rule but its length."""
    return ("Aa1" + "x" * length)[:length]


# --- people ----------------------------------------------------------------------------------


@given(parsers.re(rf"a verified customer {EMAIL}{NAMED}{WITH_PASSWORD}"))
def verified_customer(
    accounts: AccountsWorld, email: str, name: str | None, password: str | None
) -> None:
    """A customer who has confirmed her email and may log in."""
    _seed(accounts, email, password, name=name)


@given(parsers.re(rf"an? (?P<role>admin|editor) {EMAIL}{NAMED}{WITH_PASSWORD}"))
def staff_member(
    accounts: AccountsWorld, role: str, email: str, name: str | None, password: str | None
) -> None:
    """A verified admin or editor; the first admin becomes "the admin"."""
    _seed(accounts, email, password, name=name, role=role)
    if role == "admin" and accounts.admin is None:
        accounts.admin = email.lower()


@given(
    parsers.re(rf"an? (?P<tier>standard|regular|premium) customer {EMAIL}{NAMED}{WITH_PASSWORD}")
)
def customer_in_tier(
    accounts: AccountsWorld, tier: str, email: str, name: str | None, password: str | None
) -> None:
    """A verified customer in a loyalty tier."""
    _seed(accounts, email, password, name=name, tier=tier)


@given(parsers.re(rf"a deactivated customer {EMAIL}{WITH_PASSWORD}"))
def deactivated_customer(accounts: AccountsWorld, email: str, password: str | None) -> None:
    """A customer whose account an admin has switched off."""
    _seed(accounts, email, password, active=False)


@given("these users exist:")
def these_users_exist(accounts: AccountsWorld, datatable: list[list[str]]) -> None:
    """Several verified accounts; columns: email, and any of name, role, tier, active."""
    header, *rows = datatable
    for row in rows:
        values = dict(zip(header, row, strict=True))
        _seed(
            accounts,
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
def registers(
    world: World, accounts: AccountsWorld, email: str, password: str, name: str | None
) -> None:
    """Sign up; as a Given it must succeed."""
    accounts.introduce(email)
    outcome = world.record(accounts.driver.register(email, password, name))
    if outcome.ok:
        accounts.ids[outcome.data["email"]] = outcome.data["id"]
        accounts.passwords[outcome.data["email"]] = password


@when(parsers.re(rf"{EMAIL} registers with a password of (?P<length>\d+) characters"))
def registers_with_password_length(
    world: World, accounts: AccountsWorld, email: str, length: str
) -> None:
    """Sign up with a password that is only wrong in its length."""
    registers(world, accounts, email, _password_of_length(int(length)), None)


@step(
    parsers.re(rf"{ACTOR} (?:opens|has opened) the verification link from {HER} email(?: again)?")
)
def opens_verification_link(
    world: World, accounts: AccountsWorld, messaging: MessagingWorld, actor: str
) -> None:
    """Redeem the token of the newest verification email she received."""
    email = accounts.person(actor)
    assert email
    token = messaging.driver.token_from_last_email(email, "Confirm your email address")
    world.record(accounts.driver.verify_email(token))


@when(parsers.re(r'someone opens a verification link with the token "(?P<token>[^"]+)"'))
def opens_unknown_verification_link(world: World, accounts: AccountsWorld, token: str) -> None:
    """Redeem a token we never issued."""
    world.record(accounts.driver.verify_email(token))


@step(parsers.re(rf"{EMAIL} (?:asks|has asked) for a new verification email"))
def asks_for_new_verification_email(world: World, accounts: AccountsWorld, email: str) -> None:
    """Ask to have the verification email sent again."""
    accounts.introduce(email)
    world.record(accounts.driver.resend_verification(email))


# --- logging in and sessions -----------------------------------------------------------------


@step(parsers.re(rf'{EMAIL} (?:logs|has logged) in with password "(?P<password>[^"]*)"{DEVICE}'))
def logs_in(
    world: World, accounts: AccountsWorld, email: str, password: str, device: str | None
) -> None:
    """Log in from one of her devices."""
    who = accounts.introduce(email)
    device = _device(device)
    outcome = world.record(accounts.driver.login(email, password, _address(device)))
    remember_session(accounts, who, device, outcome)


@given(parsers.re(rf"{ACTOR} (?:is|is also) signed in{DEVICE}"))
def signed_in(accounts: AccountsWorld, actor: str, device: str | None) -> None:
    """Log in with her known password; this must work."""
    email = accounts.person(actor)
    assert email, "an anonymous visitor cannot sign in"
    device = _device(device)
    outcome = accounts.driver.login(email, accounts.passwords[email], _address(device))
    assert outcome.ok, f"{email} could not sign in: {outcome.describe()}"
    remember_session(accounts, email, device, outcome)


@given(parsers.re(rf"{EMAIL} failed to log in (?P<times>\d+) times{DEVICE}"))
def failed_logins(accounts: AccountsWorld, email: str, times: str, device: str | None) -> None:
    """Several attempts with a wrong password, each refused."""
    accounts.introduce(email)
    address = _address(_device(device))
    for _ in range(int(times)):
        outcome = accounts.driver.login(email, WRONG_PASSWORD, address)
        assert outcome.refusal == "unauthorized", outcome.describe()


@step(parsers.re(rf"{ACTOR} (?:refreshes|has refreshed) {HER} session{DEVICE}"))
def refreshes_session(
    world: World, accounts: AccountsWorld, actor: str, device: str | None
) -> None:
    """Trade her current refresh token for a new session."""
    email = accounts.person(actor)
    assert email
    device = _device(device)
    token = accounts.session(email, device)["refreshToken"]
    outcome = world.record(accounts.driver.refresh(token))
    remember_session(accounts, email, device, outcome)


@step(
    parsers.re(
        rf"{ACTOR} (?:refreshes|has refreshed) {HER} session with {HER} previous refresh token"
    )
)
def refreshes_with_previous_token(world: World, accounts: AccountsWorld, actor: str) -> None:
    """Present a refresh token that was already traded in."""
    email = accounts.person(actor)
    assert email
    key = (email, HER_DEVICE)
    assert key in accounts.previous_refresh, f"{email} never refreshed her session"
    world.record(accounts.driver.refresh(accounts.previous_refresh[key]))


@when(parsers.re(r'someone refreshes a session with the token "(?P<token>[^"]+)"'))
def refreshes_unknown_token(world: World, accounts: AccountsWorld, token: str) -> None:
    """Present a refresh token we never issued."""
    world.record(accounts.driver.refresh(token))


@step(parsers.re(rf"{ACTOR} (?:logs|has logged) out{DEVICE}"))
def logs_out(world: World, accounts: AccountsWorld, actor: str, device: str | None) -> None:
    """End the login of one device."""
    email = accounts.person(actor)
    assert email
    token = accounts.session(email, _device(device))["refreshToken"]
    world.record(accounts.driver.logout(token))


@then(parsers.re(rf"{ACTOR} is signed in as {EMAIL}"))
def is_signed_in_as(world: World, accounts: AccountsWorld, actor: str, email: str) -> None:
    """The last action opened a session whose access token works for this account."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    assert outcome.data["tokenType"] == "Bearer"
    profile = accounts.driver.me(outcome.data["accessToken"])
    assert profile.ok, profile.describe()
    assert profile.data["email"] == email


@then(parsers.re(rf"{ACTOR} receives a new refresh token"))
def receives_new_refresh_token(world: World, accounts: AccountsWorld, actor: str) -> None:
    """The last refresh handed out a token different from the one traded in."""
    email = accounts.person(actor)
    assert email
    key = (email, HER_DEVICE)
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    assert outcome.data["refreshToken"] != accounts.previous_refresh[key]


@then(parsers.re(rf"(?:her|his|their) session{DEVICE} is ended"))
def session_is_ended(accounts: AccountsWorld, device: str | None) -> None:
    """Her refresh token on that device no longer works."""
    assert accounts.current
    token = accounts.session(accounts.current, _device(device))["refreshToken"]
    outcome = accounts.driver.refresh(token)
    assert outcome.refusal == "unauthorized", f"session still works: {outcome.describe()}"


@then(parsers.re(rf"(?:her|his|their) session{DEVICE} is still active"))
def session_is_active(accounts: AccountsWorld, device: str | None) -> None:
    """Her refresh token on that device still works."""
    assert accounts.current
    device = _device(device)
    outcome = accounts.driver.refresh(accounts.session(accounts.current, device)["refreshToken"])
    assert outcome.ok, f"session ended: {outcome.describe()}"
    remember_session(accounts, accounts.current, device, outcome)


@then(parsers.re(rf'{EMAIL} can log in with password "(?P<password>[^"]*)"'))
def can_log_in(accounts: AccountsWorld, email: str, password: str) -> None:
    """Logging in with these credentials works."""
    outcome = accounts.driver.login(email, password, DEVICE_ADDRESSES[HER_DEVICE])
    assert outcome.ok, outcome.describe()


@then(parsers.re(rf'{EMAIL} can no longer log in with password "(?P<password>[^"]*)"'))
def cannot_log_in(accounts: AccountsWorld, email: str, password: str) -> None:
    """These credentials are refused as invalid credentials."""
    outcome = accounts.driver.login(email, password, DEVICE_ADDRESSES[HER_DEVICE])
    assert outcome.refusal == "unauthorized", outcome.describe()


# --- password reset --------------------------------------------------------------------------


@step(parsers.re(rf"{EMAIL} (?:asks|has asked) to reset {HER} password"))
def asks_password_reset(world: World, accounts: AccountsWorld, email: str) -> None:
    """Ask for a password reset email."""
    accounts.introduce(email)
    world.record(accounts.driver.forgot_password(email))


@step(
    parsers.re(
        rf'{ACTOR} (?:resets|has reset) {HER} password to "(?P<password>[^"]*)"'
        rf" with the link from {HER} (?P<first>first reset )?email"
    )
)
def resets_password(
    world: World,
    accounts: AccountsWorld,
    messaging: MessagingWorld,
    actor: str,
    password: str,
    first: str | None,
) -> None:
    """Redeem the newest (or the first) reset email's token with a new password."""
    email = accounts.person(actor)
    assert email
    if first:
        emails = messaging.driver.emails_to(email, "Reset your password")
        assert emails, f"no reset email was sent to {email}"
        token = token_in(emails[0])
    else:
        token = messaging.driver.token_from_last_email(email, "Reset your password")
    world.record(accounts.driver.reset_password(token, password))


@when(
    parsers.re(
        r'someone resets a password with the token "(?P<token>[^"]+)"'
        r' and the new password "(?P<password>[^"]*)"'
    )
)
def resets_with_unknown_token(
    world: World, accounts: AccountsWorld, token: str, password: str
) -> None:
    """Redeem a reset token we never issued."""
    world.record(accounts.driver.reset_password(token, password))
