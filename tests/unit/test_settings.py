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


def test_password_hash_threads_reach_the_hasher() -> None:
    container = create_container(load_settings({**_BASE, "PASSWORD_HASH_THREADS": "3"}))

    hasher = container.hasher()

    assert isinstance(hasher, Argon2PasswordHasher) and hasher.max_concurrent == 3


@pytest.mark.parametrize("raw", ["0", "-1", "two"])
def test_a_bad_password_hash_thread_count_stops_start_up_naming_the_variable(raw: str) -> None:
    with pytest.raises(SettingsError, match="PASSWORD_HASH_THREADS"):
        load_settings({**_BASE, "PASSWORD_HASH_THREADS": raw})
