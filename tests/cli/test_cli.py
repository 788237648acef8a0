"""The operator CLI, driven through click against a SQLite file the server could use too."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from litestar.testing import TestClient

from application.accounts.commands import RegisterUserCommand
from entrypoints.cli.main import cli, server_app
from entrypoints.containers import close_container, create_container
from entrypoints.http.app import create_app
from entrypoints.settings import load_settings

PASSWORD = "Sup3rSecret"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment of an operator working on one SQLite database."""
    return {
        "APP_ENV": "test",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/shop.db",
        "VAR_DIR": str(tmp_path / "var"),
        "JWT_SECRET": "x" * 40,
        "RUN_WORKER_IN_PROCESS": "false",
    }


@pytest.fixture
def hexashop(env: dict[str, str]):
    """Run `hexashop ARGS...` with the operator's environment, on an upgraded database."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, extra_env: dict[str, str] | None = None):
        return runner.invoke(cli, list(args), input=input, env={**env, **(extra_env or {})})

    upgraded = invoke("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    return invoke


def _ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def _register(env: dict[str, str], email: str) -> None:
    """Sign a customer up the way the API does (unverified), on the operator's database."""
    container = create_container(load_settings(env))

    async def register() -> None:
        try:
            await container.accounts.register_user()(
                RegisterUserCommand(email=email, password=PASSWORD)
            )
        finally:
            await close_container(container)

    asyncio.run(register())


def _user_line(listing: str, email: str) -> list[str]:
    return next(line.split() for line in listing.splitlines() if line.startswith(email))


def test_db_upgrade_reports_an_up_to_date_database(hexashop):
    result = hexashop("db", "upgrade")

    assert result.exit_code == 0
    assert "up to date" in result.output


def test_create_admin_with_password_option_creates_a_verified_admin(hexashop):
    created = hexashop(
        "users", "create-admin", "--email", "Boss@Example.com", "--password", PASSWORD
    )

    assert "created admin boss@example.com" in _ok(created)
    assert _user_line(_ok(hexashop("users", "list")), "boss@example.com")[2:6] == [
        "admin",
        "standard",
        "yes",
        "yes",
    ]


def test_create_admin_prompts_twice_for_a_hidden_password(hexashop):
    result = hexashop(
        "users", "create-admin", "--email", "ops@example.com", input=f"{PASSWORD}\n" * 2
    )

    assert result.exit_code == 0, result.output
    assert result.output.count("Password") == 1
    assert "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output


def test_create_admin_for_a_taken_email_exits_1_with_a_clear_message(hexashop):
    _ok(hexashop("users", "create-admin", "--email", "boss@example.com", "--password", PASSWORD))

    result = hexashop(
        "users", "create-admin", "--email", "BOSS@example.com", "--password", PASSWORD
    )

    assert result.exit_code == 1
    assert result.output.strip() == "error: User already exists"


def test_create_admin_with_a_weak_password_exits_1_naming_the_rule(hexashop):
    result = hexashop(
        "users", "create-admin", "--email", "boss@example.com", "--password", "weakpass1"
    )

    assert result.exit_code == 1
    assert result.output.strip() == "error: password: Password must contain an uppercase letter"


def test_users_list_shows_users_without_secrets(hexashop):
    _ok(hexashop("users", "create-admin", "--email", "boss@example.com", "--password", PASSWORD))

    listing = _ok(hexashop("users", "list"))

    assert listing.splitlines()[0].split() == [
        "EMAIL",
        "NAME",
        "ROLE",
        "TIER",
        "VERIFIED",
        "ACTIVE",
        "CREATED",
    ]
    assert "boss@example.com" in listing
    assert "argon2" not in listing


def test_set_role_changes_the_role(hexashop):
    _ok(hexashop("users", "create-admin", "--email", "boss@example.com", "--password", PASSWORD))
    _ok(hexashop("users", "create-admin", "--email", "ed@example.com", "--password", PASSWORD))

    result = hexashop("users", "set-role", "ed@example.com", "editor")

    assert "ed@example.com is now editor" in _ok(result)
    assert _user_line(_ok(hexashop("users", "list")), "ed@example.com")[2] == "editor"


def test_set_role_refuses_to_demote_the_last_admin(hexashop):
    _ok(hexashop("users", "create-admin", "--email", "boss@example.com", "--password", PASSWORD))

    result = hexashop("users", "set-role", "boss@example.com", "customer")

    assert result.exit_code == 1
    assert result.output.startswith("error: The last active admin")


def test_set_role_with_an_unknown_role_is_a_usage_error(hexashop):
    result = hexashop("users", "set-role", "boss@example.com", "overlord")

    assert result.exit_code == 2
    assert "overlord" in result.output


def test_verify_and_deactivate_change_the_flags(hexashop, env):
    _register(env, "two@example.com")
    unverified = _user_line(_ok(hexashop("users", "list")), "two@example.com")

    verified = hexashop("users", "verify", "two@example.com")
    deactivated = hexashop("users", "deactivate", "two@example.com")

    assert "two@example.com is verified" in _ok(verified)
    assert "two@example.com is deactivated" in _ok(deactivated)
    assert unverified[4:6] == ["no", "yes"]
    assert _user_line(_ok(hexashop("users", "list")), "two@example.com")[4:6] == ["yes", "no"]


@pytest.mark.parametrize(
    "args",
    [
        ("users", "verify", "ghost@example.com"),
        ("users", "deactivate", "ghost@example.com"),
        ("users", "set-role", "ghost@example.com", "editor"),
    ],
)
def test_unknown_email_exits_1(hexashop, args):
    result = hexashop(*args)

    assert result.exit_code == 1
    assert result.output.strip() == "error: User not found"


def test_production_without_jwt_secret_exits_2_naming_the_variable(hexashop):
    result = hexashop("users", "list", extra_env={"APP_ENV": "production", "JWT_SECRET": ""})

    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "JWT_SECRET" in result.output


def test_admin_created_by_the_cli_logs_in_through_the_app_on_the_same_database(hexashop, env):
    _ok(hexashop("users", "create-admin", "--email", "boss@example.com", "--password", PASSWORD))
    # The app closes the container on shutdown, as it does in the server.
    with TestClient(app=create_app(create_container(load_settings(env)))) as client:
        response = client.post(
            "/api/v1/auth/login", json={"email": "boss@example.com", "password": PASSWORD}
        )

    assert response.status_code == 200, response.text
    assert response.json()["user"]["role"] == "admin"


def test_the_server_keeps_its_startup_objects_out_of_garbage_collection(env):
    # Full collections would otherwise walk every module and route again (90 ms pauses).
    assert gc.get_freeze_count() == 0
    try:
        with TestClient(app=server_app(load_settings(env))) as client:
            frozen = gc.get_freeze_count()
            answer = client.get("/health/live")
    finally:
        gc.unfreeze()

    assert frozen > 10_000
    assert answer.status_code == 200


_PRODUCTION = {
    "APP_ENV": "production",
    "JWT_SECRET": "p" * 48,
    "MAIL_BACKEND": "folder",
    "PAYMENT_PROVIDER": "stripe",
    "STRIPE_API_KEY": "sk_test_cli",
    "STRIPE_WEBHOOK_SECRET": "whsec_cli",
}


def test_production_serve_with_workers_and_no_redis_exits_2_before_touching_the_database(
    env: dict[str, str], tmp_path: Path
) -> None:
    result = CliRunner().invoke(cli, ["serve", "--workers", "3"], env={**env, **_PRODUCTION})

    assert result.exit_code == 2, result.output
    assert "serve --workers 3 needs REDIS_URL" in result.output
    assert "3 times every limit" in result.output
    assert not (tmp_path / "shop.db").exists()  # refused before migrating


def test_serve_with_workers_and_limits_off_is_not_refused_for_want_of_redis(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[int] = []
    monkeypatch.setattr(
        "entrypoints.cli.processes._serve_processes", lambda _s, workers: served.append(workers)
    )
    extra = {**_PRODUCTION, "RATE_LIMIT_ENABLED": "false"}

    result = CliRunner().invoke(cli, ["serve", "--workers", "3"], env={**env, **extra})

    assert result.exit_code == 0, result.output
    assert served == [3]
