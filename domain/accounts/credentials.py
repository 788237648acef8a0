"""The rules an account's email, display name and password must follow."""

from __future__ import annotations

import re

from domain.errors import FieldError, ValidationFailed

# A bare addr-spec and nothing else: the local part in RFC 5322 atext with single dots, the
# domain as dot-separated DNS labels. Anything a mail library could read as a display name,
# a group or a second address (`<`, `>`, `,`, `;`, `:`, quotes, parentheses, spaces) is
# refused, so a stored address can never be re-parsed into another recipient. Deliverability
# is proven by the verification email, not by a regex.
# Written once, in a syntax both Python and JSON Schema (ECMA 262) read, so the OpenAPI schema
# publishes exactly this rule.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TOP_LABEL = r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])"
EMAIL_PATTERN = rf"^{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+{_TOP_LABEL}$"
_EMAIL_RE = re.compile(EMAIL_PATTERN)
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 100


def is_bare_email(address: str) -> bool:
    """True for a lower-case `local@domain` with no display name, brackets or whitespace."""
    return len(address) <= MAX_EMAIL_LENGTH and _EMAIL_RE.fullmatch(address) is not None


def normalize_email(raw: str, field_name: str = "email") -> str:
    """Return the email lower-cased and trimmed, or raise a field error if it is not one."""
    email = raw.strip().lower()
    if not is_bare_email(email):
        raise ValidationFailed.of(field_name, "Invalid email format")
    return email


def normalize_name(raw: str | None, field_name: str = "name") -> str | None:
    """Return the display name trimmed (None when blank), or raise if it is too long."""
    if raw is None:
        return None
    name = raw.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed.of(field_name, f"Name must be at most {MAX_NAME_LENGTH} characters")
    return name or None


def password_problems(password: str, email: str | None) -> list[str]:
    """List every way the password breaks the policy (empty when it is acceptable)."""
    problems = []
    if not 8 <= len(password) <= 128:
        problems.append("Password must be 8 to 128 characters long")
    if not re.search(r"[a-z]", password):
        problems.append("Password must contain a lowercase letter")
    if not re.search(r"[A-Z]", password):
        problems.append("Password must contain an uppercase letter")
    if not re.search(r"\d", password):
        problems.append("Password must contain a digit")
    if email is not None and password.strip().lower() == email.strip().lower():
        problems.append("Password must not equal the email")
    return problems


def check_password_policy(password: str, email: str | None, field_name: str = "password") -> None:
    """Raise a field error naming the first broken password rule."""
    problems = password_problems(password, email)
    if problems:
        raise ValidationFailed(*(FieldError(field_name, p) for p in problems[:1]))
