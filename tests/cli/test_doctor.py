"""`hexashop doctor` against good and broken configurations: one line per check, exit 1 when
any fails, the failing check named with what is wrong, no secret printed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from entrypoints.cli.main import cli
from tests.e2e.process import free_port
from tests.support.postgres import throwaway_database_sync
from tests.support.stripe_stub import (
    STUB_API_KEY,
    StripeStub,
    closed_port_url,
    stripe_stub,  # noqa: F401
)

CHECKS = ["database", "migrations", "storage", "mail", "payments", "redis", "production"]
WEBHOOK_SECRET = "whsec_doctor_test_secret_value"


@pytest.fixture
def env(tmp_path: Path, redis_server_url: str) -> dict[str, str]:
    """A development configuration on a migrated SQLite file, with Redis."""
    env = {
        "APP_ENV": "test",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/shop.db",
        "VAR_DIR": str(tmp_path / "var"),
        "JWT_SECRET": "x" * 40,
        "REDIS_URL": redis_server_url,
    }
    upgraded = CliRunner().invoke(cli, ["db", "upgrade"], env=env)
    assert upgraded.exit_code == 0, upgraded.output
    return env


@pytest.fixture
def stub(request: pytest.FixtureRequest) -> StripeStub:
    """The local Stripe stub (tests/support/stripe_stub.py)."""
    running: StripeStub = request.getfixturevalue("stripe_stub")
    return running


def doctor(env: dict[str, str], **extra: str) -> Result:
    """Run `hexashop doctor` with the environment plus `extra`."""
    return CliRunner().invoke(cli, ["doctor"], env={**env, **extra})


def lines(result: Result) -> dict[str, str]:
    """Each check's line, by check name."""
    found = {}
    for line in result.output.splitlines():
        mark, rest = line.split(" ", 1)
        name, detail = rest.split(": ", 1)
        found[name] = f"{mark} {detail}"
    return found


def failing(result: Result) -> list[str]:
    """The names of the checks that failed."""
    return [name for name, line in lines(result).items() if line.startswith("✗")]


def test_a_good_configuration_passes_every_check(env: dict[str, str]) -> None:
    result = doctor(env)

    assert result.exit_code == 0, result.output
    assert list(lines(result)) == CHECKS
    assert failing(result) == []
    assert lines(result)["migrations"].startswith("✓ at head")


def test_an_unreachable_database_fails_and_the_migrations_are_not_checked(
    env: dict[str, str],
) -> None:
    result = doctor(env, DATABASE_URL=f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/x")

    assert result.exit_code == 1
    assert failing(result) == ["database", "migrations"]
    assert "not checked" in lines(result)["migrations"]


def test_a_database_not_migrated_is_named(env: dict[str, str], tmp_path: Path) -> None:
    result = doctor(env, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/empty.db")

    assert result.exit_code == 1
    assert failing(result) == ["migrations"]
    assert "run hexashop db upgrade" in lines(result)["migrations"]


def test_storage_that_cannot_take_a_file_is_named(env: dict[str, str], tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    result = doctor(env, MEDIA_DIR=str(blocker / "media"))

    assert result.exit_code == 1
    assert failing(result) == ["storage"]


def test_a_mail_folder_that_cannot_be_written_is_named(env: dict[str, str], tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    result = doctor(env, MAIL_FOLDER=str(blocker / "mail"))

    assert result.exit_code == 1
    assert failing(result) == ["mail"]


def test_an_unreachable_redis_is_named(env: dict[str, str]) -> None:
    result = doctor(env, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")

    assert result.exit_code == 1
    assert failing(result) == ["redis"]


def _stripe(url: str, key: str = STUB_API_KEY) -> dict[str, str]:
    return {
        "PAYMENT_PROVIDER": "stripe",
        "STRIPE_API_KEY": key,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": url,
    }


def test_stripe_reachable_with_its_key_passes(env: dict[str, str], stub: StripeStub) -> None:
    result = doctor(env, **_stripe(stub.url))

    assert result.exit_code == 0, result.output
    assert lines(result)["payments"] == "✓ Stripe reachable, API key accepted"


def test_unreachable_stripe_is_named_without_printing_the_key(env: dict[str, str]) -> None:
    result = doctor(env, **_stripe(closed_port_url()))

    assert result.exit_code == 1
    assert failing(result) == ["payments"]
    assert STUB_API_KEY not in result.output and WEBHOOK_SECRET not in result.output


def test_a_refused_stripe_key_is_named_without_printing_it(
    env: dict[str, str], stub: StripeStub
) -> None:
    wrong_key = "sk_test_doctor_wrong_key_123456789"

    result = doctor(env, **_stripe(stub.url, wrong_key))

    assert result.exit_code == 1
    assert failing(result) == ["payments"]
    assert wrong_key not in result.output


@pytest.fixture
def production(env: dict[str, str], stub: StripeStub) -> Iterator[dict[str, str]]:
    """A production configuration that passes: Postgres (migrated), Stripe, strong secrets."""
    with throwaway_database_sync("hexashop_doctor") as url:
        prod = {
            **env,
            **_stripe(stub.url),
            "APP_ENV": "production",
            "DATABASE_URL": url,
            "MAIL_BACKEND": "folder",
            "JWT_SECRET": "Vq3m8ZkP1xR7tL0yWc5nB2hJ9sD4gF6aEuQiOoTr",
            "APP_URL": "https://shop.example.com",
            "METRICS_TOKEN": "metrics-token-for-the-scraper",
        }
        upgraded = CliRunner().invoke(cli, ["db", "upgrade"], env=prod)
        assert upgraded.exit_code == 0, upgraded.output
        yield prod


@pytest.mark.postgres
def test_a_production_configuration_passes(production: dict[str, str]) -> None:
    result = doctor(production)

    assert result.exit_code == 0, result.output
    assert lines(result)["database"] == "✓ reachable (postgresql)"
    assert production["JWT_SECRET"] not in result.output


@pytest.mark.postgres
def test_weak_production_settings_are_each_named(production: dict[str, str]) -> None:
    result = doctor(
        production, JWT_SECRET="ab" * 20, APP_URL="http://shop.example.com", METRICS_TOKEN=""
    )

    detail = lines(result)["production"]
    assert result.exit_code == 1
    assert failing(result) == ["production"]
    assert "JWT_SECRET" in detail and "APP_URL" in detail and "METRICS_TOKEN" in detail
    assert "ab" * 20 not in result.output
