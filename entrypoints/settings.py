"""Configuration: read once from the environment into one frozen, validated object.

`Settings` is the one definition: each field is one environment variable (its name in
capitals), with its type, default and bounds declared on the field (entrypoints/environment.py
reads them). `load_settings` adds what spans several variables: defaults worked out from
others, and the production rules.
"""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import msgspec
from limits import parse as parse_rate_limit

from adapters.argon2_hasher import PRIORITIES as HASHING_PRIORITIES
from entrypoints.environment import (
    COMPUTED,
    OneOf,
    Parse,
    SettingsError,
    read_environment,
    variables,
)

__all__ = ["DEFAULT_PASSWORD_HASH_THREADS", "Settings", "SettingsError", "load_settings"]


def _allowed_cpus() -> frozenset[int] | None:
    """The CPUs this process may run on; None where the platform can't say (not Linux)."""
    try:
        return frozenset(os.sched_getaffinity(0))
    except AttributeError:
        return None


def _usable_cpus() -> int:
    allowed = _allowed_cpus()
    return len(allowed) if allowed is not None else os.cpu_count() or 1


# Each hashing thread keeps argon2's 64 MiB working buffer for the life of the process, so
# the default stops at 4 threads (256 MiB) however many cores the machine has.
MAX_DEFAULT_PASSWORD_HASH_THREADS = 4

# Password hashes run on at most this many threads by default: all cores but one, which stays
# free for the event loop (argon2 keeps a core busy for the whole hash), and at most 4.
DEFAULT_PASSWORD_HASH_THREADS = min(MAX_DEFAULT_PASSWORD_HASH_THREADS, max(1, _usable_cpus() - 1))

_HASH_CPUS_FORMS = "auto, all or a CPU list such as 1-3,5"


def _cpu_list(text: str) -> frozenset[int]:
    """Parse a Linux CPU list ("0", "1-3,5"); ValueError when it is not one."""
    cpus: set[int] = set()
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        low = int(first)
        high = int(last) if dash else low
        if low < 0 or high < low:
            raise ValueError(part)
        cpus.update(range(low, high + 1))
    return frozenset(cpus)


def _password_hash_cpus(name: str, text: str) -> frozenset[int] | None:
    """`auto` keeps hashing off one CPU, for the event loop; `all` lets it run anywhere."""
    raw = text.strip()
    allowed = _allowed_cpus()
    if raw == "all":
        return None
    if raw == "auto":
        # The lowest-numbered CPU stays free; with one CPU there is nothing to keep apart.
        if allowed is None or len(allowed) < 2:
            return None
        return allowed - {min(allowed)}
    try:
        cpus = _cpu_list(raw)
    except ValueError:
        raise SettingsError(f"{name} must be {_HASH_CPUS_FORMS}, got {raw!r}") from None
    if allowed is None:
        raise SettingsError(f"{name} can only name CPUs on Linux; use auto or all")
    if not cpus <= allowed:
        raise SettingsError(
            f"{name} names CPUs this process may not use: {sorted(cpus - allowed)}"
            f" (it may use {sorted(allowed)})"
        )
    return cpus


def _database_url(name: str, raw: str) -> str:
    if not raw.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise SettingsError(f"{name} must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
    return raw


def _currency(name: str, raw: str) -> str:
    currency = raw.upper()
    if len(currency) != 3 or not currency.isalpha():
        raise SettingsError(f"{name} must be a 3-letter ISO code, got {currency!r}")
    return currency


def _rate_limit(name: str, text: str) -> str:
    """A rate in the `limits` syntax such as `300/minute`: one positive amount per period."""
    raw = text.strip()
    try:
        amount = parse_rate_limit(raw).amount
    except ValueError:
        amount = 0
    if amount < 1 or ";" in raw or "," in raw:
        raise SettingsError(f"{name} must be a rate such as 300/minute or 20/second, got {raw!r}")
    return raw


_TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")


def _table_name(name: str, text: str) -> str:
    """A DynamoDB table name: 3 to 255 of letters, digits, `_`, `-` and `.`."""
    raw = text.strip()
    if not _TABLE_NAME.fullmatch(raw):
        raise SettingsError(f"{name} must be 3-255 of A-Z, a-z, 0-9, '_', '-', '.', got {raw!r}")
    return raw


def _redis_url(name: str, text: str) -> str | None:
    raw = text.strip()
    if raw and not raw.startswith(("redis://", "rediss://")):
        raise SettingsError(f"{name} must start with redis:// or rediss://, got {raw!r}")
    return raw or None


# Bounds, in msgspec's words: at least 1, and more than 0.
_AT_LEAST_1 = msgspec.Meta(ge=1)
_POSITIVE = msgspec.Meta(gt=0)

Count = Annotated[int, _AT_LEAST_1]
Seconds = Annotated[float, _POSITIVE]


# The counters' DynamoDB table unless COUNTERS_TABLE names another (`counters create-table`
# defaults to it too).
DEFAULT_COUNTERS_TABLE = "hexashop-counters"


class Settings(msgspec.Struct, frozen=True, kw_only=True, rename="upper"):
    """Every setting the service reads. See the README's configuration table."""

    app_env: Annotated[str, OneOf(("development", "production", "test"))] = "development"
    host: str = "127.0.0.1"
    port: Count = 8000
    database_url: Annotated[str, Parse(_database_url), COMPUTED] = (
        "sqlite+aiosqlite:///var/hexashop.db"
    )
    db_pool_size: Count = 30
    # Read-only units of work on Postgres run their SELECTs on asyncpg itself (reader.py).
    db_direct_reads: bool = True
    password_hash_threads: Annotated[int, _AT_LEAST_1, COMPUTED] = DEFAULT_PASSWORD_HASH_THREADS
    # Hashes running or waiting at once; beyond it hashing use cases answer 429 at once.
    # At least password_hash_threads, checked by load_settings.
    password_hash_queue: Annotated[int, COMPUTED] = DEFAULT_PASSWORD_HASH_THREADS * 4
    password_hash_priority: Annotated[str, OneOf(HASHING_PRIORITIES)] = "idle"
    # None: hashing threads may run on any CPU.
    password_hash_cpus: Annotated[
        frozenset[int] | None, Parse(_password_hash_cpus, unset="auto")
    ] = None
    # Off: a kept buffer is 64 MiB per hashing thread for life (idle RSS about 150 MiB instead
    # of 22 in tests/bench/argon2_buffers.py), for about a third more hashes per second in a
    # login burst; true keeps one per thread instead of mapping a fresh one per hash.
    password_hash_reuse_buffers: bool = False
    jwt_secret: Annotated[str, msgspec.Meta(min_length=32), COMPUTED] = ""
    access_token_ttl_seconds: Count = 15 * 60
    refresh_token_ttl_seconds: Count = 7 * 24 * 3600
    app_url: str = "http://localhost:3000"
    mail_backend: Annotated[str, OneOf(("folder", "ses"))] = "folder"
    mail_from: str = "hexashop <no-reply@hexashop.local>"
    mail_folder: Annotated[str, COMPUTED] = "var/mail"
    aws_region: str = "us-east-1"
    aws_endpoint_url: str | None = None
    # Where uploaded files' bytes live: files under MEDIA_DIR, or the S3_BUCKET bucket.
    storage_backend: Annotated[str, OneOf(("local", "s3"))] = "local"
    media_dir: Annotated[str, COMPUTED] = "var/media"
    # Required with STORAGE_BACKEND=s3, checked by load_settings.
    s3_bucket: str = ""
    media_max_bytes: Count = 10 * 1024 * 1024
    # At most a week (SigV4's limit), checked by load_settings.
    media_presign_seconds: Count = 300
    media_max_pixels: Count = 40_000_000
    media_orphan_age_seconds: Count = 3600
    # Where hit counters live: the SQL database, or the COUNTERS_TABLE DynamoDB table.
    counter_store: Annotated[str, OneOf(("sql", "dynamodb"))] = "sql"
    counters_table: Annotated[str, Parse(_table_name)] = DEFAULT_COUNTERS_TABLE
    cors_origins: tuple[str, ...] = ()
    log_level: Annotated[str, OneOf(("DEBUG", "INFO", "WARNING", "ERROR"))] = "INFO"
    outbox_poll_seconds: Seconds = 1.0
    outbox_max_attempts: Count = 8
    outbox_lease_seconds: Seconds = 120.0
    provider_timeout_seconds: Seconds = 10.0
    circuit_failure_threshold: Count = 5
    circuit_cooldown_seconds: Seconds = 30.0
    metrics_token: str = ""
    run_worker_in_process: bool = True
    shutdown_grace_seconds: Count = 10
    var_dir: str = "var"
    store_currency: Annotated[str, Parse(_currency)] = "USD"
    order_ttl_minutes: Count = 30
    order_expiry_interval_seconds: Seconds = 60.0
    payment_provider: Annotated[str, OneOf(("sandbox", "stripe"))] = "sandbox"
    stripe_api_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str | None = None
    rate_limit_enabled: bool = True
    security_headers_enabled: bool = True
    # The `limits` syntax ("300/minute").
    rate_limit_default: Annotated[str, Parse(_rate_limit)] = "300/minute"
    rate_limit_auth: Annotated[str, Parse(_rate_limit)] = "20/minute"
    # Hits per API key on POST /counters/{name}/hits, counted apart from the default limit.
    rate_limit_counter_hits: Annotated[str, Parse(_rate_limit)] = "600/minute"
    rate_limit_key_prefix: str = "hexashop-rate-limit"
    # redis:// or rediss://; None keeps rate-limit counters in process memory.
    redis_url: Annotated[str | None, Parse(_redis_url)] = None
    # A hung Redis must not hang requests: its calls give up after this long (then fail open).
    redis_timeout_seconds: Seconds = 0.5
    # On Lambda: the prefix API Gateway puts before the app's paths (a named stage, or a
    # custom domain's base path mapping), stripped before routing.
    api_gateway_base_path: str = "/"

    @property
    def is_production(self) -> bool:
        """True when APP_ENV is production."""
        return self.app_env == "production"

    @property
    def is_sqlite(self) -> bool:
        """True when the database is a SQLite file or memory."""
        return self.database_url.startswith("sqlite")


VARIABLES = variables(Settings)
_DEFAULTS = {variable.attribute: variable.default for variable in VARIABLES}


def _dev_jwt_secret(var_dir: Path) -> str:
    """Generate a development signing key once and keep it under var/ across restarts."""
    path = var_dir / "jwt_secret"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


def _require_production_choices(values: Mapping[str, Any]) -> None:
    """Production never falls back to a development default that would open a hole: the
    sandbox provider lets anyone mark an order paid, and mail must go somewhere on purpose."""
    if values.get("payment_provider") != "stripe":
        raise SettingsError("PAYMENT_PROVIDER=stripe is required when APP_ENV=production")
    if "mail_backend" not in values:
        raise SettingsError("MAIL_BACKEND must be set (folder or ses) when APP_ENV=production")


# SigV4 presigned URLs live at most 7 days.
MAX_PRESIGN_SECONDS = 7 * 24 * 3600


def _check_storage(values: Mapping[str, Any]) -> None:
    """S3 needs a bucket; presigned URLs can't outlive what SigV4 signs."""
    if values.get("storage_backend") == "s3" and not values.get("s3_bucket"):
        raise SettingsError("S3_BUCKET is required when STORAGE_BACKEND=s3")
    presign = values.get("media_presign_seconds", _DEFAULTS["media_presign_seconds"])
    if presign > MAX_PRESIGN_SECONDS:
        raise SettingsError(
            f"MEDIA_PRESIGN_SECONDS must be at most {MAX_PRESIGN_SECONDS} (7 days), got {presign}"
        )


# The DynamoDB counter store, imported only when COUNTER_STORE=dynamodb asks for it.
DYNAMO_COUNTERS_MODULE = "adapters.dynamodb.counters"


def _check_counter_store(values: Mapping[str, Any]) -> None:
    """COUNTER_STORE=dynamodb needs its adapter in this build: say so at start-up, in one line,
    rather than on the first hit."""
    if values.get("counter_store") != "dynamodb":
        return
    try:
        found = importlib.util.find_spec(DYNAMO_COUNTERS_MODULE) is not None
    except ModuleNotFoundError:
        found = False
    if not found:
        raise SettingsError(
            f"COUNTER_STORE=dynamodb needs {DYNAMO_COUNTERS_MODULE} (DynamoCounterStore), "
            "which this installation lacks; use COUNTER_STORE=sql"
        )


def _fill_computed(values: dict[str, Any], production: bool) -> None:
    """The defaults that depend on other settings, and the rules between settings."""
    var_dir = values.setdefault("var_dir", _DEFAULTS["var_dir"])
    values.setdefault("database_url", f"sqlite+aiosqlite:///{var_dir}/hexashop.db")
    values.setdefault("mail_folder", f"{var_dir}/mail")
    if "jwt_secret" not in values:
        if production:
            raise SettingsError("JWT_SECRET is required when APP_ENV=production")
        values["jwt_secret"] = _dev_jwt_secret(Path(var_dir))
    if production:
        _require_production_choices(values)
    values.setdefault("media_dir", f"{var_dir}/media")
    _check_storage(values)
    _check_counter_store(values)
    if values.get("payment_provider") == "stripe":
        for name in ("STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET"):
            if not values.get(name.lower()):
                raise SettingsError(f"{name} is required when PAYMENT_PROVIDER=stripe")
    hash_cpus = values.get("password_hash_cpus")
    # Unset, one hashing thread per CPU hashing may use: more would only queue there.
    threads = values.setdefault(
        "password_hash_threads",
        min(MAX_DEFAULT_PASSWORD_HASH_THREADS, len(hash_cpus))
        if hash_cpus
        else DEFAULT_PASSWORD_HASH_THREADS,
    )
    queue = values.setdefault("password_hash_queue", threads * 4)
    if queue < threads:
        raise SettingsError(f"PASSWORD_HASH_QUEUE must be at least {threads}, got {queue}")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the environment; raise SettingsError with a one-line message."""
    env = os.environ if env is None else env
    values = read_environment(VARIABLES, env)
    _fill_computed(values, production=values.get("app_env") == "production")
    return Settings(**values)
