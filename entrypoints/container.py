"""The composition root: the one place that picks and builds adapters from settings."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from adapters.argon2_hasher import Argon2PasswordHasher
from adapters.circuit_breaker import CircuitBreaker, GuardedMailer
from adapters.clock import SystemClock
from adapters.folder_mailer import FolderMailer
from adapters.jwt_tokens import JwtAccessTokens
from adapters.memory import (
    FastPasswordHasher,
    MemoryStore,
    MemoryUnitOfWork,
    RecordingMailer,
)
from adapters.sandbox_gateway import SandboxPaymentGateway
from adapters.secret_tokens import UrlSafeSecretTokens
from adapters.ses_mailer import SesMailer
from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from adapters.stripe_gateway import StripePaymentGateway
from application.accounts.authenticate import Authenticate
from application.accounts.change_password import ChangePassword
from application.accounts.create_user import CreateUser
from application.accounts.delete_user import DeleteUser
from application.accounts.emails import AccountEmails
from application.accounts.forgot_password import ForgotPassword
from application.accounts.get_profile import GetProfile
from application.accounts.get_user import GetUser, GetUserByEmail
from application.accounts.list_users import ListUsers
from application.accounts.log_in import LogIn
from application.accounts.log_out import LogOut
from application.accounts.refresh_session import RefreshSession
from application.accounts.register_user import RegisterUser
from application.accounts.resend_verification import ResendVerification
from application.accounts.reset_password import ResetPassword
from application.accounts.update_profile import UpdateProfile
from application.accounts.update_user import UpdateUser
from application.accounts.verify_email import VerifyEmail
from application.catalog.adjust_stock import AdjustStock
from application.catalog.create_product import CreateProduct
from application.catalog.delete_product import DeleteProduct
from application.catalog.get_product import GetProduct
from application.catalog.list_products import ListProducts
from application.catalog.update_product import UpdateProduct
from application.messaging.dispatch_outbox import DispatchOutbox
from application.ordering.cancel_order import CancelOrder
from application.ordering.emails import OrderEmails
from application.ordering.expire_orders import ExpireOrders
from application.ordering.get_order import GetOrder
from application.ordering.handle_payment_event import HandlePaymentEvent
from application.ordering.list_orders import ListOrders
from application.ordering.place_order import PlaceOrder
from application.ordering.refund_order import RefundOrder
from application.ordering.ship_order import ShipOrder
from application.ordering.simulate_payment import SimulatePayment
from application.ordering.start_payment import StartPayment
from entrypoints.settings import Settings


def _seconds(value: int) -> timedelta:
    return timedelta(seconds=value)


def _float_seconds(value: float) -> timedelta:
    return timedelta(seconds=value)


def _minutes(value: int) -> timedelta:
    return timedelta(minutes=value)


class Container(containers.DeclarativeContainer):
    """Adapters chosen from settings, and every use case wired to them.

    Use cases and units of work are Factories: each call gets its own, so concurrent
    requests never share a transaction. Tests `override` providers with fakes.
    """

    settings = providers.Dependency(instance_of=Settings)

    # --- infrastructure ------------------------------------------------------------------
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
        direct_reads=settings.provided.db_direct_reads,
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
    mail_transport = providers.Selector(
        settings.provided.mail_backend,
        folder=providers.Singleton(
            FolderMailer, folder=settings.provided.mail_folder, sender=settings.provided.mail_from
        ),
        ses=providers.Singleton(
            SesMailer,
            sender=settings.provided.mail_from,
            region=settings.provided.aws_region,
            endpoint_url=settings.provided.aws_endpoint_url,
            read_timeout=settings.provided.provider_timeout_seconds,
        ),
    )
    mailer = providers.Singleton(GuardedMailer, mailer=mail_transport, breaker=mail_breaker)
    account_emails = providers.Singleton(AccountEmails, app_url=settings.provided.app_url)
    refresh_ttl = providers.Callable(_seconds, settings.provided.refresh_token_ttl_seconds)
    payment_gateway = providers.Selector(
        settings.provided.payment_provider,
        sandbox=providers.Singleton(SandboxPaymentGateway),
        stripe=providers.Singleton(
            StripePaymentGateway,
            api_key=settings.provided.stripe_api_key,
            webhook_secret=settings.provided.stripe_webhook_secret,
            api_base=settings.provided.stripe_api_base,
            timeout=settings.provided.provider_timeout_seconds,
            breaker=stripe_breaker,
        ),
    )
    order_emails = providers.Singleton(OrderEmails, app_url=settings.provided.app_url)
    currency = providers.Callable(str, settings.provided.store_currency)
    order_ttl = providers.Callable(_minutes, settings.provided.order_ttl_minutes)
    outbox_lease = providers.Callable(_float_seconds, settings.provided.outbox_lease_seconds)

    # --- accounts ------------------------------------------------------------------------
    register_user = providers.Factory(
        RegisterUser, uow=uow, hasher=hasher, secrets=secrets, clock=clock, emails=account_emails
    )
    verify_email = providers.Factory(VerifyEmail, uow=uow, secrets=secrets, clock=clock)
    resend_verification = providers.Factory(
        ResendVerification, uow=uow, secrets=secrets, clock=clock, emails=account_emails
    )
    log_in = providers.Factory(
        LogIn,
        uow=uow,
        read_uow=read_uow,
        hasher=hasher,
        secrets=secrets,
        access_tokens=access_tokens,
        clock=clock,
        refresh_ttl=refresh_ttl,
    )
    refresh_session = providers.Factory(
        RefreshSession,
        uow=uow,
        secrets=secrets,
        access_tokens=access_tokens,
        clock=clock,
        refresh_ttl=refresh_ttl,
    )
    log_out = providers.Factory(LogOut, uow=uow, secrets=secrets, clock=clock)
    forgot_password = providers.Factory(
        ForgotPassword, uow=uow, secrets=secrets, clock=clock, emails=account_emails
    )
    reset_password = providers.Factory(
        ResetPassword, uow=uow, hasher=hasher, secrets=secrets, clock=clock
    )
    authenticate = providers.Factory(
        Authenticate, uow=read_uow, access_tokens=access_tokens, clock=clock
    )
    get_profile = providers.Factory(GetProfile, uow=read_uow)
    update_profile = providers.Factory(UpdateProfile, uow=uow, clock=clock)
    change_password = providers.Factory(ChangePassword, uow=uow, hasher=hasher, clock=clock)
    list_users = providers.Factory(ListUsers, uow=read_uow)
    create_user = providers.Factory(CreateUser, uow=uow, hasher=hasher, clock=clock)
    get_user = providers.Factory(GetUser, uow=read_uow)
    get_user_by_email = providers.Factory(GetUserByEmail, uow=read_uow)
    update_user = providers.Factory(UpdateUser, uow=uow, clock=clock)
    delete_user = providers.Factory(DeleteUser, uow=uow, clock=clock)

    # --- catalog -------------------------------------------------------------------------
    create_product = providers.Factory(CreateProduct, uow=uow, clock=clock, currency=currency)
    update_product = providers.Factory(UpdateProduct, uow=uow, clock=clock, currency=currency)
    adjust_stock = providers.Factory(AdjustStock, uow=uow, clock=clock, currency=currency)
    delete_product = providers.Factory(DeleteProduct, uow=uow, clock=clock)
    list_products = providers.Factory(ListProducts, uow=read_uow, currency=currency)
    get_product = providers.Factory(GetProduct, uow=read_uow, currency=currency)

    # --- ordering and payments -----------------------------------------------------------
    place_order = providers.Factory(
        PlaceOrder, uow=uow, clock=clock, currency=currency, order_ttl=order_ttl
    )
    list_orders = providers.Factory(ListOrders, uow=read_uow)
    get_order = providers.Factory(GetOrder, uow=read_uow)
    cancel_order = providers.Factory(CancelOrder, uow=uow, clock=clock)
    start_payment = providers.Factory(StartPayment, uow=uow, gateway=payment_gateway, clock=clock)
    ship_order = providers.Factory(ShipOrder, uow=uow, clock=clock, emails=order_emails)
    refund_order = providers.Factory(
        RefundOrder, uow=uow, gateway=payment_gateway, clock=clock, emails=order_emails
    )
    handle_payment_event = providers.Factory(
        HandlePaymentEvent, uow=uow, clock=clock, emails=order_emails
    )
    simulate_payment = providers.Factory(
        SimulatePayment, uow=uow, handle_payment_event=handle_payment_event
    )
    expire_orders = providers.Factory(ExpireOrders, uow=uow, clock=clock)

    # --- messaging -----------------------------------------------------------------------
    dispatch_outbox = providers.Factory(
        DispatchOutbox,
        uow=uow,
        mailer=mailer,
        clock=clock,
        max_attempts=settings.provided.outbox_max_attempts,
        lease=outbox_lease,
    )


def circuit_breakers(container: Container) -> dict[str, CircuitBreaker]:
    """The breakers in use, by provider name: mail always, Stripe when it is the provider."""
    breakers = {"mail": container.mail_breaker()}
    if container.settings().payment_provider == "stripe":
        breakers["stripe"] = container.stripe_breaker()
    return breakers


def create_container(settings: Settings) -> Container:
    """The production wiring for these settings."""
    return Container(settings=settings)


def use_memory_adapters(container: Container, store: MemoryStore | None = None) -> MemoryStore:
    """Swap persistence, hashing and mail for in-memory fakes (tests and specs).

    Returns the store so callers can inspect what was committed.
    """
    store = store or MemoryStore()
    container.uow.override(providers.Factory(MemoryUnitOfWork, store))
    container.read_uow.override(providers.Factory(MemoryUnitOfWork, store, read_only=True))
    container.hasher.override(providers.Singleton(FastPasswordHasher))
    container.mailer.override(providers.Singleton(RecordingMailer))
    return store


async def close_container(container: Container) -> None:
    """Release pooled connections. Safe when nothing was opened: building an engine connects
    to nothing, and disposing an unused pool is a no-op."""
    await container.engine().dispose()
    container.engine.reset()
    # The Stripe gateway keeps an HTTP connection pool; the sandbox has nothing to close.
    aclose = getattr(container.payment_gateway(), "aclose", None)
    if aclose is not None:
        await aclose()
