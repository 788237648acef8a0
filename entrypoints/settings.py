"""Configuration: read once from the environment into one frozen, validated object."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import msgspec
from limits import parse as parse_rate_limit

from adapters.argon2_hasher import PRIORITIES as HASHING_PRIORITIES


class SettingsError(Exception):
    """Configuration is missing or invalid; the message is one line naming the variable."""


def _allowed_cpus() -> frozenset[int] | None:
    """The CPUs this process may run on; None where the platform can't say (not Linux)."""
    try:
        return frozenset(os.sched_getaffinity(0))
    except AttributeError:
        return None


def _usable_cpus() -> int:
    allowed = _allowed_cpus()
    return len(allowed) if allowed is not None else os.cpu_count() or 1


# Password hashes run on at most this many threads by default: all cores but one, which stays
# free for the event loop (argon2 keeps a core busy for the whole hash).
DEFAULT_PASSWORD_HASH_THREADS = max(1, _usable_cpus() - 1)


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Every setting the service reads. See the README's configuration table."""

    app_env: str = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = "sqlite+aiosqlite:///var/hexashop.db"
    db_pool_size: int = 20
    password_hash_threads: int = DEFAULT_PASSWORD_HASH_THREADS
    # Hashes running or waiting at once; beyond it hashing use cases answer 429 at once.
    password_hash_queue: int = DEFAULT_PASSWORD_HASH_THREADS * 4
    password_hash_priority: str = "idle"
    # None: hashing threads may run on any CPU.
    password_hash_cpus: frozenset[int] | None = None
    jwt_secret: str = ""
    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_seconds: int = 7 * 24 * 3600
    app_url: str = "http://localhost:3000"
    mail_backend: str = "folder"
    mail_from: str = "hexashop <no-reply@hexashop.local>"
    mail_folder: str = "var/mail"
    aws_region: str = "us-east-1"
    aws_endpoint_url: str | None = None
    cors_origins: tuple[str, ...] = ()
    log_level: str = "INFO"
    outbox_poll_seconds: float = 1.0
    outbox_max_attempts: int = 8
    outbox_lease_seconds: float = 120.0
    provider_timeout_seconds: float = 10.0
    circuit_failure_threshold: int = 5
    circuit_cooldown_seconds: float = 30.0
    metrics_token: str = ""
    run_worker_in_process: bool = True
    shutdown_grace_seconds: int = 10
    var_dir: str = "var"
    store_currency: str = "USD"
    order_ttl_minutes: int = 30
    order_expiry_interval_seconds: float = 60.0
    payment_provider: str = "sandbox"
    stripe_api_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str | None = None
    rate_limit_enabled: bool = True
    security_headers_enabled: bool = True
    # The `limits` syntax ("300/minute"), validated by load_settings.
    rate_limit_default: str = "300/minute"
    rate_limit_auth: str = "20/minute"
    rate_limit_key_prefix: str = "hexashop-rate-limit"
    # redis:// or rediss://; None keeps rate-limit counters in process memory.
    redis_url: str | None = None

    @property
    def is_production(self) -> bool:
        """True when APP_ENV is production."""
        return self.app_env == "production"

    @property
    def is_sqlite(self) -> bool:
        """True when the database is a SQLite file or memory."""
        return self.database_url.startswith("sqlite")


_BOOL = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {raw}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return _BOOL[raw.strip().lower()]
    except KeyError:
        raise SettingsError(f"{name} must be true or false, got {raw!r}") from None


def _choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = env.get(name) or default
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


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


def _password_hash_cpus(env: Mapping[str, str]) -> frozenset[int] | None:
    """PASSWORD_HASH_CPUS: `auto` keeps hashing off one CPU, for the event loop."""
    raw = (env.get("PASSWORD_HASH_CPUS") or "auto").strip()
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
        raise SettingsError(f"PASSWORD_HASH_CPUS must be {_HASH_CPUS_FORMS}, got {raw!r}") from None
    if allowed is None:
        raise SettingsError("PASSWORD_HASH_CPUS can only name CPUs on Linux; use auto or all")
    if not cpus <= allowed:
        raise SettingsError(
            f"PASSWORD_HASH_CPUS names CPUs this process may not use: {sorted(cpus - allowed)}"
            f" (it may use {sorted(allowed)})"
        )
    return cpus


def _rate_limit(env: Mapping[str, str], name: str, default: str) -> str:
    """A rate in the `limits` syntax such as `300/minute`: one positive amount per period."""
    raw = (env.get(name) or default).strip()
    try:
        amount = parse_rate_limit(raw).amount
    except ValueError:
        amount = 0
    if amount < 1 or ";" in raw or "," in raw:
        raise SettingsError(f"{name} must be a rate such as 300/minute or 20/second, got {raw!r}")
    return raw


def _redis_url(env: Mapping[str, str]) -> str | None:
    raw = (env.get("REDIS_URL") or "").strip()
    if raw and not raw.startswith(("redis://", "rediss://")):
        raise SettingsError(f"REDIS_URL must start with redis:// or rediss://, got {raw!r}")
    return raw or None


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


def _require_production_choices(env: Mapping[str, str], payment_provider: str) -> None:
    """Production never falls back to a development default that would open a hole: the
    sandbox provider lets anyone mark an order paid, and mail must go somewhere on purpose."""
    if payment_provider != "stripe":
        raise SettingsError("PAYMENT_PROVIDER=stripe is required when APP_ENV=production")
    if not env.get("MAIL_BACKEND"):
        raise SettingsError("MAIL_BACKEND must be set (folder or ses) when APP_ENV=production")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the environment; raise SettingsError with a one-line message."""
    env = os.environ if env is None else env
    app_env = _choice(env, "APP_ENV", "development", ("development", "production", "test"))
    var_dir = env.get("VAR_DIR") or "var"
    database_url = env.get("DATABASE_URL") or f"sqlite+aiosqlite:///{var_dir}/hexashop.db"
    if not database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise SettingsError(
            "DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
        )
    jwt_secret = env.get("JWT_SECRET") or ""
    if not jwt_secret:
        if app_env == "production":
            raise SettingsError("JWT_SECRET is required when APP_ENV=production")
        jwt_secret = _dev_jwt_secret(Path(var_dir))
    elif len(jwt_secret) < 32:
        raise SettingsError("JWT_SECRET must be at least 32 characters")
    payment_provider = _choice(env, "PAYMENT_PROVIDER", "sandbox", ("sandbox", "stripe"))
    if app_env == "production":
        _require_production_choices(env, payment_provider)
    stripe_api_key = env.get("STRIPE_API_KEY") or ""
    stripe_webhook_secret = env.get("STRIPE_WEBHOOK_SECRET") or ""
    if payment_provider == "stripe":
        for name, value in (
            ("STRIPE_API_KEY", stripe_api_key),
            ("STRIPE_WEBHOOK_SECRET", stripe_webhook_secret),
        ):
            if not value:
                raise SettingsError(f"{name} is required when PAYMENT_PROVIDER=stripe")
    currency = (env.get("STORE_CURRENCY") or "USD").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise SettingsError(f"STORE_CURRENCY must be a 3-letter ISO code, got {currency!r}")
    cors = tuple(o.strip() for o in (env.get("CORS_ORIGINS") or "").split(",") if o.strip())
    hash_cpus = _password_hash_cpus(env)
    hash_threads = _int(
        env,
        "PASSWORD_HASH_THREADS",
        # Unset, one hashing thread per CPU hashing may use: more would only queue there.
        len(hash_cpus) if hash_cpus else DEFAULT_PASSWORD_HASH_THREADS,
        minimum=1,
    )
    return Settings(
        app_env=app_env,
        host=env.get("HOST") or "127.0.0.1",
        port=_int(env, "PORT", 8000, minimum=1),
        database_url=database_url,
        db_pool_size=_int(env, "DB_POOL_SIZE", 20, minimum=1),
        password_hash_threads=hash_threads,
        password_hash_queue=_int(
            env, "PASSWORD_HASH_QUEUE", hash_threads * 4, minimum=hash_threads
        ),
        password_hash_priority=_choice(env, "PASSWORD_HASH_PRIORITY", "idle", HASHING_PRIORITIES),
        password_hash_cpus=hash_cpus,
        jwt_secret=jwt_secret,
        access_token_ttl_seconds=_int(env, "ACCESS_TOKEN_TTL_SECONDS", 15 * 60, minimum=1),
        refresh_token_ttl_seconds=_int(env, "REFRESH_TOKEN_TTL_SECONDS", 7 * 24 * 3600, minimum=1),
        app_url=env.get("APP_URL") or "http://localhost:3000",
        mail_backend=_choice(env, "MAIL_BACKEND", "folder", ("folder", "ses")),
        mail_from=env.get("MAIL_FROM") or "hexashop <no-reply@hexashop.local>",
        mail_folder=env.get("MAIL_FOLDER") or f"{var_dir}/mail",
        aws_region=env.get("AWS_REGION") or "us-east-1",
        aws_endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
        cors_origins=cors,
        log_level=_choice(env, "LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
        outbox_poll_seconds=_float(env, "OUTBOX_POLL_SECONDS", 1.0),
        outbox_max_attempts=_int(env, "OUTBOX_MAX_ATTEMPTS", 8, minimum=1),
        outbox_lease_seconds=_float(env, "OUTBOX_LEASE_SECONDS", 120.0),
        provider_timeout_seconds=_float(env, "PROVIDER_TIMEOUT_SECONDS", 10.0),
        circuit_failure_threshold=_int(env, "CIRCUIT_FAILURE_THRESHOLD", 5, minimum=1),
        circuit_cooldown_seconds=_float(env, "CIRCUIT_COOLDOWN_SECONDS", 30.0),
        metrics_token=env.get("METRICS_TOKEN") or "",
        run_worker_in_process=_bool(env, "RUN_WORKER_IN_PROCESS", True),
        shutdown_grace_seconds=_int(env, "SHUTDOWN_GRACE_SECONDS", 10, minimum=1),
        var_dir=var_dir,
        store_currency=currency,
        order_ttl_minutes=_int(env, "ORDER_TTL_MINUTES", 30, minimum=1),
        order_expiry_interval_seconds=_float(env, "ORDER_EXPIRY_INTERVAL_SECONDS", 60.0),
        payment_provider=payment_provider,
        stripe_api_key=stripe_api_key,
        stripe_webhook_secret=stripe_webhook_secret,
        stripe_api_base=env.get("STRIPE_API_BASE") or None,
        rate_limit_enabled=_bool(env, "RATE_LIMIT_ENABLED", True),
        security_headers_enabled=_bool(env, "SECURITY_HEADERS_ENABLED", True),
        rate_limit_default=_rate_limit(env, "RATE_LIMIT_DEFAULT", "300/minute"),
        rate_limit_auth=_rate_limit(env, "RATE_LIMIT_AUTH", "20/minute"),
        rate_limit_key_prefix=env.get("RATE_LIMIT_KEY_PREFIX") or "hexashop-rate-limit",
        redis_url=_redis_url(env),
    )
