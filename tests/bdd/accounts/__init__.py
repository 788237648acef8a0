"""Accounts specs: people, sign-up and verification, sessions, profile and administration."""

from tests.bdd.accounts.http import HttpAccounts
from tests.bdd.accounts.use_case import UseCaseAccounts
from tests.bdd.accounts.world import AccountsWorld
from tests.bdd.shared.context import Context

CONTEXT = Context(
    name="accounts",
    drivers={"use_case": UseCaseAccounts, "http": HttpAccounts},
    part=AccountsWorld,
    steps=("tests.bdd.accounts.steps", "tests.bdd.accounts.admin_steps"),
)
