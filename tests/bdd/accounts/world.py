"""What a scenario remembers about people: who is who, their passwords and their sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.bdd.accounts.driver import AccountsDriver

DEFAULT_PASSWORD = "Secret123"
# A password that passes the policy but is nobody's, for failed login attempts.
WRONG_PASSWORD = "NotHerPassword9"

HER_DEVICE = "her device"
ANOTHER_DEVICE = "another device"
# Each device logs in from its own client address, as two real devices would.
DEVICE_ADDRESSES = {HER_DEVICE: "203.0.113.10", ANOTHER_DEVICE: "198.51.100.7"}

ANONYMOUS = "an anonymous visitor"


@dataclass
class AccountsWorld:
    """The accounts part of one scenario's state, shared by its steps."""

    driver: AccountsDriver
    passwords: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    # (email, device) -> the latest session (accessToken, refreshToken) of that login.
    sessions: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    # (email, device) -> the refresh token that the latest refresh replaced.
    previous_refresh: dict[tuple[str, str], str] = field(default_factory=dict)
    current: str | None = None  # who "she" is: the last person a step named
    admin: str | None = None  # who "the admin" is

    def person(self, actor: str) -> str | None:
        """The email an actor phrase refers to; None for an anonymous visitor."""
        if actor == ANONYMOUS:
            return None
        if actor == "the admin":
            assert self.admin, "no admin was introduced in this scenario"
            return self.admin
        if actor in ("she", "he", "they"):
            assert self.current, f'no one was introduced for "{actor}" to refer to'
            return self.current
        return self.introduce(actor.strip('"'))

    def introduce(self, email: str) -> str:
        """Make this person the one that "she" refers to from now on."""
        self.current = email.lower()
        return self.current

    def user_id(self, email: str) -> str:
        """The id of an account the scenario created."""
        assert email.lower() in self.ids, f"the scenario never created {email}"
        return self.ids[email.lower()]

    def session(self, email: str, device: str = HER_DEVICE) -> dict[str, Any]:
        """The session of a signed-in person on a device."""
        key = (email, device)
        assert key in self.sessions, f"{email} is not signed in on {device}"
        return self.sessions[key]

    def access(self, actor: str) -> str | None:
        """The access token an actor acts with (None when anonymous)."""
        email = self.person(actor)
        return None if email is None else self.session(email)["accessToken"]

    def email_of(self, user_id: str) -> str:
        """The email of an account the scenario created, from its id."""
        for email, known in self.ids.items():
            if known == user_id:
                return email
        raise AssertionError(f"no account in the scenario has the id {user_id}")
