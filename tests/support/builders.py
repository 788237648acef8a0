"""Small builders for domain objects in persistence tests, with explicit UTC times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from domain.accounts import OneTimeToken, RefreshToken, Role, Tier, TokenPurpose, User
from domain.catalog import Product
from domain.media import MediaFile
from domain.messages import EmailMessage, OutboxMessage
from domain.ordering import Order, OrderLine, OrderStatus
from domain.payments import Payment, PaymentStatus

# Microseconds on purpose: every backend must keep them.
T0 = datetime(2026, 1, 31, 12, 0, 0, 123456, tzinfo=UTC)


def make_user(
    email: str = "ana@example.com",
    *,
    name: str | None = "Ana",
    role: Role = Role.CUSTOMER,
    active: bool = True,
    created_at: datetime = T0,
    user_id: UUID | None = None,
) -> User:
    """A verified user with a fake password hash."""
    user = User.register(
        email,
        f"hash-of-{email}",
        created_at,
        name=name,
        role=role,
        tier=Tier.STANDARD,
        email_verified=True,
    )
    user.active = active
    if user_id is not None:
        user.id = user_id
    return user


def make_one_time_token(
    user: User, token_hash: str | None = None, purpose: TokenPurpose = TokenPurpose.VERIFY_EMAIL
) -> OneTimeToken:
    """A fresh one-time token for the user."""
    return OneTimeToken.issue(user.id, purpose, token_hash or f"ott-{uuid4().hex}", T0)


def make_refresh_token(
    user: User, family_id: UUID | None = None, token_hash: str | None = None
) -> RefreshToken:
    """A fresh refresh token for the user, in a new family unless one is given."""
    return RefreshToken.issue(
        user.id, token_hash or f"rt-{uuid4().hex}", T0, timedelta(days=7), family_id=family_id
    )


def make_outbox_message(
    to: str = "ana@example.com", *, created_at: datetime = T0, subject: str = "Hello"
) -> OutboxMessage:
    """A pending message due at its creation time."""
    return OutboxMessage.new(
        EmailMessage(to=to, subject=subject, text_body=f"Body for {to}\nline 2", kind="test"),
        created_at,
    )


def is_utc(value: datetime | None) -> bool:
    """True for an aware datetime at UTC offset zero."""
    return value is not None and value.utcoffset() == timedelta(0)


def make_product(
    name: str = "Blue Mug",
    *,
    price_cents: int = 900,
    stock: int = 10,
    active: bool = True,
    description: str = "",
    created_at: datetime = T0,
    image_ids: list[UUID] | None = None,
) -> Product:
    """A product created at `created_at`."""
    return Product.create(
        name,
        price_cents,
        stock,
        created_at,
        description=description,
        active=active,
        image_ids=image_ids,
    )


def make_order(
    user_id: UUID,
    products: list[tuple[Product, int]] | None = None,
    *,
    created_at: datetime = T0,
    idempotency_key: str | None = None,
    status: OrderStatus = OrderStatus.PENDING,
    ttl: timedelta = timedelta(minutes=30),
) -> Order:
    """A placed order for (product, quantity) pairs (two mugs of $9.00 by default)."""
    chosen = products or [(make_product(), 2)]
    lines = [OrderLine(p.id, p.name, p.price_cents, quantity) for p, quantity in chosen]
    order = Order.place(
        user_id,
        lines,
        Tier.REGULAR,
        "USD",
        created_at,
        ttl=ttl,
        idempotency_key=idempotency_key,
    )
    order.status = status
    return order


def make_payment(
    order: Order, intent_id: str | None = None, *, created_at: datetime = T0
) -> Payment:
    """A sandbox payment intent for the order's total."""
    return Payment(
        order_id=order.id,
        provider="sandbox",
        intent_id=intent_id or f"pi_{uuid4().hex}",
        client_secret=f"secret_{uuid4().hex}",
        amount_cents=order.total_cents,
        currency=order.currency,
        status=PaymentStatus.REQUIRES_PAYMENT,
        created_at=created_at,
        updated_at=created_at,
    )


def make_media(
    owner_id: UUID,
    filename: str = "photo.png",
    *,
    content_type: str = "image/png",
    size_bytes: int = 1234,
    created_at: datetime = T0,
    width: int | None = 640,
    height: int | None = 480,
) -> MediaFile:
    """The row of a stored file owned by `owner_id`."""
    return MediaFile.create(
        uuid4(),
        owner_id,
        filename,
        content_type,
        size_bytes,
        "ab" * 32,
        created_at,
        width=width,
        height=height,
    )
