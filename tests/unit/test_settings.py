"""Settings: the PASSWORD_HASH_* variables are read, validated and reach the password hasher."""

from __future__ import annotations

import os

import pytest

from adapters.argon2_hasher import Argon2PasswordHasher
from entrypoints.container import create_container
from entrypoints.settings import DEFAULT_PASSWORD_HASH_THREADS, SettingsError, load_settings

_BASE = {"APP_ENV": "development", "JWT_SECRET": "x" * 40, "DATABASE_URL": "sqlite+aiosqlite://"}


def test_password_hashing_leaves_a_core_for_the_event_loop_by_default() -> None:
    settings = load_settings(_BASE)

    assert settings.password_hash_threads == DEFAULT_PASSWORD_HASH_THREADS >= 1


def test_password_hash_threads_and_priority_reach_the_hasher() -> None:
    env = {**_BASE, "PASSWORD_HASH_THREADS": "3", "PASSWORD_HASH_PRIORITY": "low"}
    container = create_container(load_settings(env))

    hasher = container.hasher()

    assert isinstance(hasher, Argon2PasswordHasher)
    assert (hasher.max_concurrent, hasher.priority) == (3, "low")


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

    hasher = container.hasher()

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


def test_shutdown_grace_is_read_with_ten_seconds_as_the_default() -> None:
    assert load_settings(_BASE).shutdown_grace_seconds == 10
    assert load_settings({**_BASE, "SHUTDOWN_GRACE_SECONDS": "3"}).shutdown_grace_seconds == 3


@pytest.mark.parametrize("raw", ["0", "-3", "2.5", "soon"])
def test_a_bad_shutdown_grace_stops_start_up_naming_the_variable(raw: str) -> None:
    with pytest.raises(SettingsError, match="SHUTDOWN_GRACE_SECONDS"):
        load_settings({**_BASE, "SHUTDOWN_GRACE_SECONDS": raw})
