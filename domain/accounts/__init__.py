"""Accounts: users, roles, tiers, credentials rules and the tokens that prove who someone is.

The context's domain in four modules (users, credentials, tokens, limits), named here as one
vocabulary: callers import from `domain.accounts`.
"""

from domain.accounts.credentials import (
    EMAIL_PATTERN,
    MAX_EMAIL_LENGTH,
    MAX_NAME_LENGTH,
    check_password_policy,
    is_bare_email,
    normalize_email,
    normalize_name,
    password_problems,
)
from domain.accounts.limits import (
    ACCOUNT_EMAIL_LIMIT,
    LOGIN_ADDRESS_LIMIT,
    LOGIN_FAILURE_WINDOW,
    LOGIN_LIMIT,
    LOGIN_MAX_FAILURES,
    PASSWORD_CHANGE_LIMIT,
    AttemptLimit,
    account_email_key,
    ensure_login_allowed,
    login_address_key,
    login_throttle_key,
    password_change_key,
)
from domain.accounts.tokens import (
    ONE_TIME_TOKEN_TTL,
    AccessClaims,
    OneTimeToken,
    RefreshToken,
    TokenPurpose,
)
from domain.accounts.users import Role, Tier, User, ensure_admin_remains

__all__ = [
    "ACCOUNT_EMAIL_LIMIT",
    "EMAIL_PATTERN",
    "LOGIN_ADDRESS_LIMIT",
    "LOGIN_FAILURE_WINDOW",
    "LOGIN_LIMIT",
    "LOGIN_MAX_FAILURES",
    "MAX_EMAIL_LENGTH",
    "MAX_NAME_LENGTH",
    "ONE_TIME_TOKEN_TTL",
    "PASSWORD_CHANGE_LIMIT",
    "AccessClaims",
    "AttemptLimit",
    "OneTimeToken",
    "RefreshToken",
    "Role",
    "Tier",
    "TokenPurpose",
    "User",
    "account_email_key",
    "check_password_policy",
    "ensure_admin_remains",
    "ensure_login_allowed",
    "is_bare_email",
    "login_address_key",
    "login_throttle_key",
    "normalize_email",
    "normalize_name",
    "password_change_key",
    "password_problems",
]
