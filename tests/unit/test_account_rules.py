"""Accounts business rules, without I/O."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.accounts import (
    LOGIN_FAILURE_WINDOW,
    LOGIN_MAX_FAILURES,
    OneTimeToken,
    RefreshToken,
    Role,
    TokenPurpose,
    User,
    check_password_policy,
    ensure_admin_remains,
    ensure_login_allowed,
    login_throttle_key,
    normalize_email,
    normalize_name,
    password_problems,
)
from domain.errors import (
    AccountDeactivated,
    EmailNotVerified,
    LastAdminProtected,
    RateLimited,
    ValidationFailed,
)

NOW = datetime(2026, 1, 31, 12, tzinfo=UTC)


def make_user(role: Role = Role.CUSTOMER, active: bool = True, verified: bool = True) -> User:
    user = User.register("ana@example.com", "hash", NOW, role=role, email_verified=verified)
    user.active = active
    return user


# --- password policy -----------------------------------------------------------------------


def test_a_password_with_lower_upper_and_digit_of_8_chars_is_accepted():
    assert password_problems("Abcdefg1", "ana@example.com") == []


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Abcde1", "8 to 128"),
        ("A1" + "b" * 127, "8 to 128"),
        ("ABCDEFG1", "lowercase"),
        ("abcdefg1", "uppercase"),
        ("Abcdefgh", "digit"),
    ],
)
def test_a_password_breaking_a_rule_is_refused_with_that_rule(password: str, problem: str):
    assert any(problem in p for p in password_problems(password, None))


def test_a_password_equal_to_the_email_is_refused_whatever_the_case():
    assert password_problems("Ana1@Example.com", "ana1@example.com") == [
        "Password must not equal the email"
    ]


def test_the_policy_reports_the_first_problem_under_the_given_field():
    with pytest.raises(ValidationFailed) as err:
        check_password_policy("short", None, field_name="newPassword")

    assert [e.field for e in err.value.errors] == ["newPassword"]
    assert "8 to 128" in err.value.message


# --- email and name --------------------------------------------------------------------------


def test_emails_are_trimmed_and_lower_cased():
    assert normalize_email("  Ana@Example.COM ") == "ana@example.com"


@pytest.mark.parametrize("raw", ["", "ana", "ana@example", "a na@example.com", "a@b@c.com"])
def test_malformed_emails_are_a_field_error(raw: str):
    with pytest.raises(ValidationFailed) as err:
        normalize_email(raw)

    assert err.value.errors[0].field == "email"


@pytest.mark.parametrize(
    "raw",
    [
        "x<attacker@evil.example>",
        "Ana <ana@example.com>",
        "<ana@example.com>",
        "ana@example.com>",
        "ana@example.com, eve@evil.example",
        '"ana"@example.com',
        "ana(comment)@example.com",
        "group:ana@example.com;",
        "ana@exa_mple.com",
        "ana\n@example.com",
        "ana@-example.com",
        "ana..lima@example.com",
    ],
)
def test_anything_but_a_bare_local_at_domain_is_refused(raw: str):
    with pytest.raises(ValidationFailed) as err:
        normalize_email(raw)

    assert err.value.errors[0].field == "email"


@pytest.mark.parametrize(
    "raw",
    ["ana.lima+shop@example.com", "o'brien@mail.example.co.uk", "a_b-c@xn--bcher-kva.example"],
)
def test_ordinary_addresses_stay_valid(raw: str):
    assert normalize_email(raw) == raw


def test_an_email_longer_than_254_characters_is_refused():
    with pytest.raises(ValidationFailed):
        normalize_email("a" * 250 + "@example.com")


def test_names_are_trimmed_and_blank_means_none():
    assert normalize_name("  Ana ") == "Ana"
    assert normalize_name("   ") is None
    assert normalize_name(None) is None


def test_a_name_longer_than_100_characters_is_refused():
    with pytest.raises(ValidationFailed):
        normalize_name("x" * 101)


# --- login throttling ------------------------------------------------------------------------


def test_login_is_allowed_below_the_failure_limit():
    failures = [NOW - timedelta(minutes=1)] * (LOGIN_MAX_FAILURES - 1)

    ensure_login_allowed(failures, NOW)


def test_login_is_refused_at_the_limit_until_the_oldest_failure_leaves_the_window():
    failures = [NOW - timedelta(minutes=10 - i) for i in range(LOGIN_MAX_FAILURES)]

    with pytest.raises(RateLimited) as err:
        ensure_login_allowed(failures, NOW)

    # The oldest failure (10 min ago) leaves the 15 min window in 5 min.
    assert err.value.retry_after_seconds == 5 * 60 + 1


def test_failures_older_than_the_window_do_not_count():
    failures = [NOW - LOGIN_FAILURE_WINDOW - timedelta(seconds=1)] * 10

    ensure_login_allowed(failures, NOW)


def test_the_throttle_key_combines_the_normalized_email_and_the_client():
    assert login_throttle_key(" Ana@Example.com", "10.0.0.1") == "ana@example.com|10.0.0.1"
    assert login_throttle_key("ana@example.com", None) == "ana@example.com|-"


# --- last admin --------------------------------------------------------------------------------


def test_the_last_active_admin_cannot_be_demoted_deactivated_or_deleted():
    admin = make_user(Role.ADMIN)
    demoted = admin.snapshot()
    demoted.role = Role.EDITOR
    deactivated = admin.snapshot()
    deactivated.active = False

    for after in (demoted, deactivated, None):
        with pytest.raises(LastAdminProtected):
            ensure_admin_remains(admin, after, active_admins=1)


def test_an_admin_can_be_demoted_while_another_active_admin_remains():
    admin = make_user(Role.ADMIN)
    demoted = admin.snapshot()
    demoted.role = Role.CUSTOMER

    ensure_admin_remains(admin, demoted, active_admins=2)


def test_changes_to_non_admins_and_admins_staying_admins_are_not_restricted():
    customer = make_user()
    admin = make_user(Role.ADMIN)

    ensure_admin_remains(customer, None, active_admins=1)
    ensure_admin_remains(admin, admin.snapshot(), active_admins=1)


# --- users -------------------------------------------------------------------------------------


def test_an_unverified_or_deactivated_user_cannot_log_in():
    with pytest.raises(EmailNotVerified):
        make_user(verified=False).ensure_can_log_in()
    with pytest.raises(AccountDeactivated):
        make_user(active=False).ensure_can_log_in()
    make_user().ensure_can_log_in()


def test_access_tokens_issued_before_a_revocation_are_refused_to_the_microsecond():
    user = make_user()
    revoked_at = NOW.replace(microsecond=700_000)
    user.change_password_hash("new", revoked_at)

    assert not user.accepts_access_token(revoked_at - timedelta(microseconds=1))
    assert user.accepts_access_token(revoked_at)
    assert user.accepts_access_token(revoked_at + timedelta(seconds=1))


def test_a_deactivated_user_accepts_no_access_token():
    user = make_user()
    user.deactivate(NOW)

    assert not user.active
    assert user.tokens_valid_after == NOW
    assert not user.accepts_access_token(NOW + timedelta(minutes=1))


def test_changing_the_password_can_keep_access_tokens_valid():
    user = make_user()
    user.change_password_hash("new", NOW, revoke_access_tokens=False)

    assert user.password_hash == "new"
    assert user.tokens_valid_after is None
    assert user.updated_at == NOW


# --- tokens --------------------------------------------------------------------------------------


def test_a_one_time_token_is_redeemable_once_for_its_purpose_until_it_expires():
    token = OneTimeToken.issue(uuid4(), TokenPurpose.RESET_PASSWORD, "h", NOW)

    assert token.expires_at == NOW + timedelta(minutes=30)
    assert token.is_redeemable(TokenPurpose.RESET_PASSWORD, NOW)
    assert not token.is_redeemable(TokenPurpose.VERIFY_EMAIL, NOW)
    assert not token.is_redeemable(TokenPurpose.RESET_PASSWORD, token.expires_at)
    token.used_at = NOW
    assert not token.is_redeemable(TokenPurpose.RESET_PASSWORD, NOW)


def test_a_verification_token_lives_24_hours():
    token = OneTimeToken.issue(uuid4(), TokenPurpose.VERIFY_EMAIL, "h", NOW)

    assert token.expires_at == NOW + timedelta(hours=24)


def test_a_refresh_token_is_unusable_once_rotated_revoked_or_expired():
    ttl = timedelta(days=7)
    fresh = RefreshToken.issue(uuid4(), "h", NOW, ttl)
    rotated = RefreshToken.issue(uuid4(), "h", NOW, ttl)
    rotated.rotated_at = NOW
    revoked = RefreshToken.issue(uuid4(), "h", NOW, ttl)
    revoked.revoked_at = NOW

    assert fresh.is_usable(NOW)
    assert not fresh.is_usable(NOW + ttl)
    assert not rotated.is_usable(NOW)
    assert not revoked.is_usable(NOW)


def test_a_refresh_token_joins_the_given_family_or_starts_a_new_one():
    first = RefreshToken.issue(uuid4(), "h", NOW, timedelta(days=1))
    second = RefreshToken.issue(first.user_id, "h2", NOW, timedelta(days=1), first.family_id)

    assert second.family_id == first.family_id
    assert RefreshToken.issue(uuid4(), "h", NOW, timedelta(days=1)).family_id != first.family_id
