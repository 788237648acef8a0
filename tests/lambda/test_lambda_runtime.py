"""The module-level handlers as Lambda calls them: settings from the environment, the runtime
built on the first invocation and reused, no worker started, no lifespan needed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from entrypoints import lambda_handler
from tests.support.lambda_events import LambdaContext, http_api_event, rest_api_event


@pytest.fixture
def lambda_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str
) -> Iterator[None]:
    """The environment a Lambda function would get, and no runtime built yet."""
    lambda_handler.reset_runtime()
    for name, value in {
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "JWT_SECRET": "lambda-env-secret-0123456789abcdef0123456",
        "VAR_DIR": str(tmp_path / "var"),
        "RUN_WORKER_IN_PROCESS": "false",
        "PASSWORD_HASH_THREADS": "1",
        "LOG_LEVEL": "WARNING",
    }.items():
        monkeypatch.setenv(name, value)
    yield
    lambda_handler.reset_runtime()


def test_the_runtime_is_built_on_first_use_and_reused(lambda_environment: None) -> None:
    assert lambda_handler._runtime is None  # importing the module built nothing

    first = lambda_handler.handler(http_api_event("GET", "/health/ready"), LambdaContext())
    built = lambda_handler.runtime()
    second = lambda_handler.handler(rest_api_event("GET", "/health/ready"), LambdaContext())
    passed = lambda_handler.scheduled_handler({"source": "aws.events"}, LambdaContext())

    assert first["statusCode"] == 200, first
    assert json.loads(first["body"])["status"] == "ok"
    assert second["statusCode"] == 200, second
    assert lambda_handler.runtime() is built
    assert passed == {"sent": 0, "failed": 0, "dead": 0, "released": 0, "expired": 0, "swept": 0}
    # Nothing keeps running between invocations: no worker loop, no lifespan task.
    assert not asyncio.all_tasks(built.loop)


def test_a_failing_part_of_the_scheduled_pass_fails_the_invocation(
    lambda_environment: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A media folder that is a file: the sweep can't list it, the other parts still run.
    (tmp_path / "media").write_text("not a folder")
    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "media"))

    with pytest.raises(Exception, match="media-sweep"):
        lambda_handler.scheduled_handler({"source": "aws.events"}, LambdaContext())
