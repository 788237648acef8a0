"""What a scenario remembers between steps: who is who, their sessions, the last outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.bdd.drivers.base import Driver, Outcome

DEFAULT_PASSWORD = "Secret123"
# A password that passes the policy but is nobody's, for failed login attempts.
WRONG_PASSWORD = "NotHerPassword9"

HER_DEVICE = "her device"
ANOTHER_DEVICE = "another device"
# Each device logs in from its own client address, as two real devices would.
DEVICE_ADDRESSES = {HER_DEVICE: "203.0.113.10", ANOTHER_DEVICE: "198.51.100.7"}

ANONYMOUS = "an anonymous visitor"


@dataclass
class World:
    """The state of one scenario, shared by its steps."""

    driver: Driver
    passwords: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    # (email, device) -> the latest session (accessToken, refreshToken) of that login.
    sessions: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    # (email, device) -> the refresh token that the latest refresh replaced.
    previous_refresh: dict[tuple[str, str], str] = field(default_factory=dict)
    current: str | None = None  # who "she" is: the last person a step named
    admin: str | None = None  # who "the admin" is
    last: Outcome | None = None
    products: dict[str, str] = field(default_factory=dict)  # name -> id
    # Orders placed in the scenario, oldest first, and who placed each one.
    orders: list[str] = field(default_factory=list)
    order_owner: dict[str, str] = field(default_factory=dict)
    # The order id every successful ordering attempt returned, repeats included.
    placements: list[str] = field(default_factory=list)
    # Every payment started successfully, oldest first.
    payments: list[dict[str, Any]] = field(default_factory=list)

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

    def product_id(self, name: str) -> str:
        """The id of a product the scenario named."""
        assert name in self.products, f'the scenario never introduced a product "{name}"'
        return self.products[name]

    def order_id(self, of: str | None = None) -> str:
        """The latest order placed in the scenario, or the latest one of this person."""
        orders = self.orders
        if of is not None:
            orders = [o for o in orders if self.order_owner[o] == of.lower()]
        assert orders, f"no order was placed{f' by {of}' if of else ''} in this scenario"
        return orders[-1]

    def owner_access(self, order_id: str) -> str:
        """The access token of the person who placed an order."""
        token: str = self.session(self.order_owner[order_id])["accessToken"]
        return token

    def email_of(self, user_id: str) -> str:
        """The email of an account the scenario created, from its id."""
        for email, known in self.ids.items():
            if known == user_id:
                return email
        raise AssertionError(f"no account in the scenario has the id {user_id}")

    def payment(self) -> dict[str, Any]:
        """The latest payment started in the scenario."""
        assert self.payments, "nobody started to pay in this scenario"
        return self.payments[-1]

    def record(self, outcome: Outcome) -> Outcome:
        """Remember the outcome the Then steps will check."""
        self.last = outcome
        return outcome

    def outcome(self) -> Outcome:
        """The outcome of the last action."""
        assert self.last is not None, "no action was taken yet"
        return self.last
