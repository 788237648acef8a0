"""Settings: the PASSWORD_HASH_* variables are read, validated and reach the password hasher."""

from __future__ import annotations

import os

import pytest

from adapters.argon2_hasher import Argon2PasswordHasher
from entrypoints.containers import create_container
from entrypoints.settings import DEFAULT_PASSWORD_HASH_THREADS, SettingsError, load_settings

_BASE = {"APP_ENV": "development", "JWT_SECRET": "x" * 40, "DATABASE_URL": "sqlite+aiosqlite://"}


def test_password_hashing_leaves_a_core_for_the_event_loop_by_default() -> None:
    settings = load_settings(_BASE)

    assert settings.password_hash_threads == DEFAULT_PASSWORD_HASH_THREADS >= 1


def test_password_hash_threads_and_priority_reach_the_hasher() -> None:
    env = {**_BASE, "PASSWORD_HASH_THREADS": "3", "PASSWORD_HASH_PRIORITY": "low"}
    container = create_container(load_settings(env))

    hasher = container.core.hasher()

    assert isinstance(hasher, Argon2PasswordHasher)
    assert (hasher.max_concurrent, hasher.priority) == (3, "low")


def test_the_hashing_queue_defaults_to_four_per_thread_and_reaches_the_hasher() -> None:
    threads = load_settings({**_BASE, "PASSWORD_HASH_THREADS": "3"})
    queue = load_settings({**_BASE, "PASSWORD_HASH_THREADS": "3", "PASSWORD_HASH_QUEUE": "5"})

    assert create_container(threads).core.hasher().max_queued == 12
    assert create_container(queue).core.hasher().max_queued == 5


@pytest.mark.parametrize("raw", ["2", "-1", "many"])
def test_a_hashing_queue_shorter_than_the_threads_stops_start_up(raw: str) -> None:
    with pytest.raises(SettingsError, match="PASSWORD_HASH_QUEUE"):
        load_settings({**_BASE, "PASSWORD_HASH_THREADS": "3", "PASSWORD_HASH_QUEUE": raw})


@pytest.mark.parametrize("raw", ["0", "-1", "two"])
def test_a_bad_password_hash_thread_count_stops_start_up_naming_the_variable(raw: str) -> None:
    with pytest.raises(SettingsError, match="PASSWORD_HASH_THREADS"):
        load_settings({**_BASE, "PASSWORD_HASH_THREADS": raw})


@pytest.mark.parametrize(("raw", "expected"), [(None, "idle"), ("low", "low"), ("idle", "idle")])
def test_password_hash_priority_is_read_with_idle_as_the_default(
    raw: str | None, expected: str
) -> None:
    env = _BASE if raw is None else {**_BASE, "PASSWORD_HASH_PRIORITY": raw}

    settings = load_settings(env)

    assert settings.password_hash_priority == expected


def test_an_unknown_password_hash_priority_stops_start_up() -> None:
    with pytest.raises(SettingsError, match="PASSWORD_HASH_PRIORITY"):
        load_settings({**_BASE, "PASSWORD_HASH_PRIORITY": "realtime"})


@pytest.fixture
def four_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process may run on CPUs 0-3."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})


@pytest.mark.usefixtures("four_cpus")
def test_by_default_hashing_keeps_off_one_cpu_with_a_thread_per_remaining_cpu() -> None:
    container = create_container(load_settings(_BASE))

    hasher = container.core.hasher()

    assert isinstance(hasher, Argon2PasswordHasher)
    assert hasher.cpus == {1, 2, 3}
    assert hasher.max_concurrent == 3


@pytest.mark.usefixtures("four_cpus")
@pytest.mark.parametrize(
    ("raw", "cpus", "threads"),
    [
        ("auto", {1, 2, 3}, 3),
        ("all", None, DEFAULT_PASSWORD_HASH_THREADS),
        ("2", {2}, 1),
        ("3,0-1", {0, 1, 3}, 3),
        (" 1-2 ", {1, 2}, 2),
    ],
)
def test_password_hash_cpus_is_read(raw: str, cpus: set[int] | None, threads: int) -> None:
    settings = load_settings({**_BASE, "PASSWORD_HASH_CPUS": raw})

    assert settings.password_hash_cpus == cpus
    assert settings.password_hash_threads == threads


@pytest.mark.usefixtures("four_cpus")
def test_an_explicit_thread_count_wins_over_the_cpu_count() -> None:
    env = {**_BASE, "PASSWORD_HASH_CPUS": "1-3", "PASSWORD_HASH_THREADS": "1"}

    assert load_settings(env).password_hash_threads == 1


def test_with_one_cpu_hashing_may_run_on_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {5})

    assert load_settings(_BASE).password_hash_cpus is None


@pytest.mark.usefixtures("four_cpus")
@pytest.mark.parametrize("raw", ["any", "1-", "-1", "3-1", "1,,2", "one", "4", "0-7"])
def test_a_bad_password_hash_cpu_list_stops_start_up_naming_the_variable(raw: str) -> None:
    with pytest.raises(SettingsError, match="PASSWORD_HASH_CPUS"):
        load_settings({**_BASE, "PASSWORD_HASH_CPUS": raw})


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("OUTBOX_LEASE_SECONDS", "0"),
        ("OUTBOX_LEASE_SECONDS", "soon"),
        ("PROVIDER_TIMEOUT_SECONDS", "-1"),
        ("CIRCUIT_FAILURE_THRESHOLD", "0"),
        ("CIRCUIT_COOLDOWN_SECONDS", "x"),
    ],
)
def test_a_bad_resilience_setting_stops_start_up_naming_the_variable(name: str, raw: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings({**_BASE, name: raw})


def test_resilience_settings_are_read() -> None:
    settings = load_settings(
        {
            **_BASE,
            "OUTBOX_LEASE_SECONDS": "30",
            "PROVIDER_TIMEOUT_SECONDS": "4.5",
            "CIRCUIT_FAILURE_THRESHOLD": "3",
            "CIRCUIT_COOLDOWN_SECONDS": "10",
            "METRICS_TOKEN": "scrape-secret",
        }
    )

    assert (settings.outbox_lease_seconds, settings.provider_timeout_seconds) == (30.0, 4.5)
    assert (settings.circuit_failure_threshold, settings.circuit_cooldown_seconds) == (3, 10.0)
    assert settings.metrics_token == "scrape-secret"


def test_rate_limits_default_to_the_contract_and_memory() -> None:
    settings = load_settings(_BASE)

    assert settings.rate_limit_enabled is True
    assert settings.security_headers_enabled is True
    assert (settings.rate_limit_default, settings.rate_limit_auth) == ("300/minute", "20/minute")
    assert settings.redis_url is None


def test_rate_limit_settings_are_read() -> None:
    env = {
        **_BASE,
        "RATE_LIMIT_ENABLED": "false",
        "SECURITY_HEADERS_ENABLED": "no",
        "RATE_LIMIT_DEFAULT": "1000/hour",
        "RATE_LIMIT_AUTH": "5 per minute",
        "RATE_LIMIT_KEY_PREFIX": "shop-a",
        "REDIS_URL": "redis://127.0.0.1:6379/2",
    }
    settings = load_settings(env)

    assert settings.rate_limit_enabled is False
    assert settings.security_headers_enabled is False
    assert (settings.rate_limit_default, settings.rate_limit_auth) == ("1000/hour", "5 per minute")
    assert (settings.rate_limit_key_prefix, settings.redis_url) == (
        "shop-a",
        "redis://127.0.0.1:6379/2",
    )


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("RATE_LIMIT_DEFAULT", "lots"),
        ("RATE_LIMIT_DEFAULT", "0/minute"),
        ("RATE_LIMIT_AUTH", "20/fortnight"),
        ("RATE_LIMIT_AUTH", "5/minute;1/second"),
        ("RATE_LIMIT_ENABLED", "maybe"),
        ("REDIS_URL", "127.0.0.1:6379"),
    ],
)
def test_bad_rate_limit_settings_stop_startup_naming_the_variable(name: str, raw: str) -> None:
    with pytest.raises(SettingsError, match=name) as caught:
        load_settings({**_BASE, name: raw})

    assert "\n" not in str(caught.value)


_PRODUCTION = {
    **_BASE,
    "APP_ENV": "production",
    "PAYMENT_PROVIDER": "stripe",
    "STRIPE_API_KEY": "sk_test_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
    "MAIL_BACKEND": "ses",
}


def test_production_with_stripe_and_an_explicit_mail_backend_starts() -> None:
    settings = load_settings(_PRODUCTION)

    assert (settings.payment_provider, settings.mail_backend) == ("stripe", "ses")


@pytest.mark.parametrize("provider", ["", "sandbox"])
def test_production_refuses_the_sandbox_payment_provider(provider: str) -> None:
    # Unset (the development default) or named: the sandbox lets anyone mark an order paid.
    with pytest.raises(SettingsError, match=r"^PAYMENT_PROVIDER=stripe is required") as raised:
        load_settings({**_PRODUCTION, "PAYMENT_PROVIDER": provider})

    assert "\n" not in str(raised.value)


def test_production_refuses_to_default_the_mail_backend() -> None:
    env = {k: v for k, v in _PRODUCTION.items() if k != "MAIL_BACKEND"}

    with pytest.raises(SettingsError, match=r"^MAIL_BACKEND must be set") as raised:
        load_settings(env)

    assert "\n" not in str(raised.value)


def test_an_explicit_folder_mail_backend_is_accepted_in_production() -> None:
    assert load_settings({**_PRODUCTION, "MAIL_BACKEND": "folder"}).mail_backend == "folder"


def test_development_keeps_the_sandbox_and_folder_defaults() -> None:
    settings = load_settings(_BASE)

    assert (settings.payment_provider, settings.mail_backend) == ("sandbox", "folder")


def test_shutdown_grace_is_read_with_ten_seconds_as_the_default() -> None:
    assert load_settings(_BASE).shutdown_grace_seconds == 10
    assert load_settings({**_BASE, "SHUTDOWN_GRACE_SECONDS": "3"}).shutdown_grace_seconds == 3


@pytest.mark.parametrize("raw", ["0", "-3", "2.5", "soon"])
def test_a_bad_shutdown_grace_stops_start_up_naming_the_variable(raw: str) -> None:
    with pytest.raises(SettingsError, match="SHUTDOWN_GRACE_SECONDS"):
        load_settings({**_BASE, "SHUTDOWN_GRACE_SECONDS": raw})


def test_hashing_threads_default_to_at_most_four(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each hashing thread keeps 64 MiB for the life of the process.
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)))

    settings = load_settings(_BASE)

    assert 1 <= DEFAULT_PASSWORD_HASH_THREADS <= 4
    assert settings.password_hash_cpus == set(range(1, 16))
    assert settings.password_hash_threads == 4
    assert load_settings({**_BASE, "PASSWORD_HASH_THREADS": "8"}).password_hash_threads == 8


@pytest.mark.parametrize(("raw", "expected"), [(None, False), ("false", False), ("yes", True)])
def test_hashing_buffer_reuse_is_read_and_reaches_the_hasher(
    raw: str | None, expected: bool
) -> None:
    env = _BASE if raw is None else {**_BASE, "PASSWORD_HASH_REUSE_BUFFERS": raw}

    hasher = create_container(load_settings(env)).core.hasher()

    assert isinstance(hasher, Argon2PasswordHasher)
    assert hasher.reuse_buffers is expected


def test_a_bad_hashing_buffer_reuse_stops_start_up_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match="PASSWORD_HASH_REUSE_BUFFERS"):
        load_settings({**_BASE, "PASSWORD_HASH_REUSE_BUFFERS": "sometimes"})


@pytest.mark.parametrize(("raw", "expected"), [(None, True), ("false", False), ("on", True)])
def test_direct_reads_are_read_with_on_as_the_default(raw: str | None, expected: bool) -> None:
    env = _BASE if raw is None else {**_BASE, "DB_DIRECT_READS": raw}

    assert load_settings(env).db_direct_reads is expected


def test_a_bad_direct_reads_switch_stops_start_up_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match="DB_DIRECT_READS"):
        load_settings({**_BASE, "DB_DIRECT_READS": "maybe"})


@pytest.mark.parametrize(("raw", "expected"), [(None, True), ("off", False)])
def test_the_direct_reads_switch_reaches_the_read_only_unit_of_work(
    raw: str | None, expected: bool
) -> None:
    env = _BASE if raw is None else {**_BASE, "DB_DIRECT_READS": raw}
    container = create_container(load_settings(env))

    assert container.core.read_uow().direct_reads is expected
