"""`hexashop doctor`: check a configuration against the README's production checklist.

One line per check, `✓ name: what was found` or `✗ name: what is wrong`, in the order an
operator would fix them; exit 1 when any check fails (2 when the settings don't even load).
Every check runs with a timeout, and error text is stripped of the configured secrets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import click
from sqlalchemy import text
from sqlalchemy.engine import make_url

from entrypoints.cli.common import EXIT_REFUSED, read_settings
from entrypoints.containers import Container, close_container, create_container
from entrypoints.settings import Settings

# A check that hangs tells the operator as little as one that fails.
CHECK_TIMEOUT_SECONDS = 10.0
# JWT_SECRET: the length is enforced when settings load; a long run of few characters is not.
MIN_JWT_SECRET_DISTINCT_CHARACTERS = 16


class CheckFailed(Exception):
    """A check found something wrong; its message is the whole line's explanation."""


@dataclass(frozen=True, slots=True)
class Finding:
    """The outcome of one check."""

    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        """`✓ name: detail` or `✗ name: detail`."""
        return f"{'✓' if self.ok else '✗'} {self.name}: {self.detail}"


def _secrets(settings: Settings) -> list[str]:
    found = [settings.jwt_secret, settings.stripe_api_key, settings.stripe_webhook_secret]
    found += [settings.metrics_token, make_url(settings.database_url).password or ""]
    if settings.redis_url:
        found.append(make_url(settings.redis_url).password or "")
    return [secret for secret in found if secret]


def _describe(exc: BaseException, secrets: list[str]) -> str:
    """The error's type and first line, without any configured secret."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    for secret in secrets:
        message = message.replace(secret, "***")
    if isinstance(exc, CheckFailed):
        return message
    # A foreign error's text can run long (a driver's whole connection story): its start.
    detail = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return detail[:200]


async def _database(container: Container) -> str:
    async with container.core.engine().connect() as connection:
        await connection.execute(text("SELECT 1"))
    return f"reachable ({container.core.engine().dialect.name})"


async def _migrations(container: Container) -> str:
    # Imported here: Alembic stays out of every other command's process (migrations.py).
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from adapters.sqlalchemy.migrate import alembic_config

    url = container.settings().database_url
    heads = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    async with container.core.engine().connect() as connection:
        current = set(
            await connection.run_sync(lambda c: MigrationContext.configure(c).get_current_heads())
        )
    if current == heads:
        return f"at head {', '.join(sorted(heads))}"
    at = ", ".join(sorted(current)) or "no revision (empty database)"
    raise CheckFailed(f"at {at}, head is {', '.join(sorted(heads))}: run hexashop db upgrade")


async def _storage(container: Container) -> str:
    await container.core.storage().check()
    settings = container.settings()
    if settings.storage_backend == "s3":
        return f"S3 bucket {settings.s3_bucket} reachable"
    return f"folder {settings.media_dir} writable"


async def _mail(container: Container) -> str:
    await container.core.mail_transport().check()
    settings = container.settings()
    if settings.mail_backend == "ses":
        return f"SES reachable in {settings.aws_region}"
    return f"folder {settings.mail_folder} writable (no email leaves this host)"


async def _payments(container: Container) -> str:
    await container.core.payment_gateway().check()
    if container.settings().payment_provider == "stripe":
        return "Stripe reachable, API key accepted"
    return "sandbox (anyone can mark an order paid: development only)"


async def _redis(container: Container) -> str:
    settings = container.settings()
    if not settings.redis_url:
        return "not set: rate limits are counted per process (set it for several replicas)"
    # Imported here: every process loads this module (the CLI's commands), only `doctor`
    # with REDIS_URL set needs redis-py (17 MiB resident).
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(
        settings.redis_url,
        socket_timeout=settings.redis_timeout_seconds,
        socket_connect_timeout=settings.redis_timeout_seconds,
    )
    try:
        await client.ping()
    finally:
        await client.aclose()
    return "reachable (rate limits shared by every replica)"


async def _production(container: Container) -> str:
    settings = container.settings()
    if not settings.is_production:
        return f"not checked (APP_ENV={settings.app_env})"
    problems = []
    if len(set(settings.jwt_secret)) < MIN_JWT_SECRET_DISTINCT_CHARACTERS:
        problems.append(
            f"JWT_SECRET has fewer than {MIN_JWT_SECRET_DISTINCT_CHARACTERS} distinct characters"
            " (use secrets.token_urlsafe(48))"
        )
    if settings.is_sqlite:
        problems.append("DATABASE_URL is SQLite (one process only): use Postgres")
    if not settings.app_url.startswith("https://"):
        problems.append("APP_URL is not https:// (links in emails would be sent in clear)")
    if not settings.metrics_token:
        problems.append("METRICS_TOKEN is unset (/metrics answers anyone)")
    if problems:
        raise CheckFailed("; ".join(problems))
    return "JWT_SECRET strong, Postgres, https APP_URL, METRICS_TOKEN set"


CHECKS: tuple[tuple[str, Callable[[Container], Awaitable[str]]], ...] = (
    ("database", _database),
    ("migrations", _migrations),
    ("storage", _storage),
    ("mail", _mail),
    ("payments", _payments),
    ("redis", _redis),
    ("production", _production),
)


async def run_checks(container: Container) -> list[Finding]:
    """Every check, one after another (the migrations check needs the database's answer)."""
    secrets = _secrets(container.settings())
    findings = []
    database_ok = True
    for name, check in CHECKS:
        if name == "migrations" and not database_ok:
            findings.append(Finding(name, False, "not checked: the database is unreachable"))
            continue
        try:
            detail = await asyncio.wait_for(check(container), timeout=CHECK_TIMEOUT_SECONDS)
        except TimeoutError:
            findings.append(Finding(name, False, f"no answer within {CHECK_TIMEOUT_SECONDS:g} s"))
            database_ok = database_ok and name != "database"
        except Exception as exc:
            findings.append(Finding(name, False, _describe(exc, secrets)))
            database_ok = database_ok and name != "database"
        else:
            findings.append(Finding(name, True, detail))
    return findings


@click.command()
def doctor() -> None:
    """Check this configuration: database, migrations, storage, mail, payments, Redis and the
    production settings; one line each, exit 1 when any fails."""
    container = create_container(read_settings())

    async def main() -> list[Finding]:
        try:
            return await run_checks(container)
        finally:
            await close_container(container)

    findings = asyncio.run(main())
    for finding in findings:
        click.echo(finding.line())
    if not all(finding.ok for finding in findings):
        raise SystemExit(EXIT_REFUSED)
