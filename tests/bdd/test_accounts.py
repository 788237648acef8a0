"""Binds every accounts feature file; the scenarios run on the driver chosen with --driver."""

from pytest_bdd import scenarios

scenarios(
    "accounts/registration.feature",
    "accounts/email_verification.feature",
    "accounts/login.feature",
    "accounts/sessions.feature",
    "accounts/password_reset.feature",
    "accounts/profile.feature",
    "accounts/user_administration.feature",
)
