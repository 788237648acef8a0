"""Settings: PASSWORD_HASH_THREADS is read, validated and reaches the password hasher."""

from __future__ import annotations

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
