"""The adapters every context shares, chosen from settings."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from operator import attrgetter
from pathlib import Path
from typing import Any

from dependency_injector import containers, providers

from adapters.argon2_hasher import Argon2PasswordHasher
from adapters.circuit_breaker import CircuitBreaker, GuardedMailer
from adapters.clock import SystemClock
from adapters.folder_mailer import FolderMailer
from adapters.jwt_tokens import JwtAccessTokens
from adapters.sandbox_gateway import SandboxPaymentGateway
from adapters.secret_tokens import UrlSafeSecretTokens
from adapters.sqlalchemy.counters import SqlCounterStore
from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from adapters.storage.local import LocalObjectStorage
from entrypoints.settings import DYNAMO_COUNTERS_MODULE, Settings


def deferred(target: str) -> Callable[..., Any]:
    """A provider's factory for `module:Name` that imports the module when the provider is
    first built, so a process whose settings pick the folder mailer, the local folder and the
    sandbox never loads boto3 or stripe (about 11 MiB of resident memory between them), and
    one on the SQL counter store never loads the DynamoDB one.
    `build_selected_adapters` builds the chosen ones at startup, so no request pays for it."""
    module_name, _, name = target.partition(":")

    def build(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module_name), name)(*args, **kwargs)

    build.__name__ = build.__qualname__ = name
    return build


def chosen(selector: providers.Selector[Any]) -> providers.Singleton[Any]:
    """The adapter a Selector picks by settings, picked once: the Selector itself reads the
    setting through `settings.provided` on every call, a few µs per use case built."""
    return providers.Singleton(selector)


class CoreContainer(containers.DeclarativeContainer):
    """Persistence, clock, hashing, tokens, mail, payments and file storage: one of each per
    process.

    Units of work are Factories: each use case gets its own, so concurrent requests never
    share a transaction. Tests `override` these providers with fakes.
    """

    settings = providers.Dependency(instance_of=Settings)

    engine = providers.Singleton(
        create_engine,
        url=settings.provided.database_url,
        pool_size=settings.provided.db_pool_size,
    )
    uow = providers.Factory(SqlUnitOfWork, engine=engine)
    # For use cases that only read: no write lock, no BEGIN/ROLLBACK round trips.
    read_uow = providers.Factory(
        SqlUnitOfWork,
        engine=engine,
        read_only=True,
        direct_reads=providers.Singleton(attrgetter("db_direct_reads"), settings),
    )

    clock = providers.Singleton(SystemClock)
    hasher = providers.Singleton(
        Argon2PasswordHasher,
        max_concurrent=settings.provided.password_hash_threads,
        max_queued=settings.provided.password_hash_queue,
        priority=settings.provided.password_hash_priority,
        cpus=settings.provided.password_hash_cpus,
        reuse_buffers=settings.provided.password_hash_reuse_buffers,
    )
    secrets = providers.Singleton(UrlSafeSecretTokens)
    access_tokens = providers.Singleton(
        JwtAccessTokens,
        secret=settings.provided.jwt_secret,
        ttl_seconds=settings.provided.access_token_ttl_seconds,
    )
    # The store's one currency: catalog prices and order totals are both in it.
    currency = providers.Callable(str, settings.provided.store_currency)

    mail_breaker = providers.Singleton(
        CircuitBreaker,
        name="Mail",
        failure_threshold=settings.provided.circuit_failure_threshold,
        cooldown_seconds=settings.provided.circuit_cooldown_seconds,
    )
    stripe_breaker = providers.Singleton(
        CircuitBreaker,
        name="Stripe",
        failure_threshold=settings.provided.circuit_failure_threshold,
        cooldown_seconds=settings.provided.circuit_cooldown_seconds,
    )
    mail_transport = chosen(
        providers.Selector(
            settings.provided.mail_backend,
            folder=providers.Singleton(
                FolderMailer,
                folder=settings.provided.mail_folder,
                sender=settings.provided.mail_from,
            ),
            ses=providers.Singleton(
                deferred("adapters.ses_mailer:SesMailer"),
                sender=settings.provided.mail_from,
                region=settings.provided.aws_region,
                endpoint_url=settings.provided.aws_endpoint_url,
                read_timeout=settings.provided.provider_timeout_seconds,
            ),
        )
    )
    mailer = providers.Singleton(GuardedMailer, mailer=mail_transport, breaker=mail_breaker)
    payment_gateway = chosen(
        providers.Selector(
            settings.provided.payment_provider,
            sandbox=providers.Singleton(SandboxPaymentGateway),
            stripe=providers.Singleton(
                deferred("adapters.stripe_gateway:StripePaymentGateway"),
                api_key=settings.provided.stripe_api_key,
                webhook_secret=settings.provided.stripe_webhook_secret,
                api_base=settings.provided.stripe_api_base,
                timeout=settings.provided.provider_timeout_seconds,
                breaker=stripe_breaker,
            ),
        )
    )
    # Uploaded files' bytes (the media context): a local folder or an S3 bucket.
    storage = chosen(
        providers.Selector(
            settings.provided.storage_backend,
            local=providers.Singleton(
                LocalObjectStorage, root=providers.Callable(Path, settings.provided.media_dir)
            ),
            s3=providers.Singleton(
                deferred("adapters.storage.s3:S3ObjectStorage"),
                bucket=settings.provided.s3_bucket,
                region=settings.provided.aws_region,
                endpoint_url=settings.provided.aws_endpoint_url,
            ),
        )
    )
    # Hit counters (the counters context): not in a unit of work, each call atomic on its own.
    counter_store = chosen(
        providers.Selector(
            settings.provided.counter_store,
            sql=providers.Singleton(SqlCounterStore, engine=engine, clock=clock),
            dynamodb=providers.Singleton(
                # load_settings has checked that the module exists.
                deferred(f"{DYNAMO_COUNTERS_MODULE}:DynamoCounterStore"),
                table_name=settings.provided.counters_table,
                region=settings.provided.aws_region,
                endpoint_url=settings.provided.aws_endpoint_url,
            ),
        )
    )
