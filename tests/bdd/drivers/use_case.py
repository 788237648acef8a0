"""The default driver: calls the use cases directly on the in-memory adapters."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from uuid import UUID

from adapters.clock import FrozenClock
from application.accounts.commands import (
    ChangePasswordCommand,
    CreateUserCommand,
    ForgotPasswordCommand,
    ListUsersQuery,
    LogInCommand,
    LogOutCommand,
    RefreshSessionCommand,
    RegisterUserCommand,
    ResendVerificationCommand,
    ResetPasswordCommand,
    UpdateProfileCommand,
    UpdateUserCommand,
    VerifyEmailCommand,
)
from application.accounts.views import AuthSession, UserView
from application.catalog.commands import (
    AdjustStockCommand,
    CreateProductCommand,
    ListProductsQuery,
    UpdateProductCommand,
)
from application.catalog.views import ProductView
from application.ordering.commands import ListOrdersQuery, PlaceOrderCommand
from application.ordering.views import OrderView
from application.shared.actor import Actor
from application.shared.paging import Page, PageRequest
from domain.accounts import Role, Tier
from domain.errors import (
    AuthenticationFailed,
    BusinessRuleViolated,
    Conflict,
    DomainError,
    InvalidAccessToken,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from domain.ordering import OrderStatus, RequestedItem
from entrypoints.containers import Container
from tests.bdd.drivers.base import (
    Driver,
    OrderFilters,
    Outcome,
    ProductFilters,
    UserFilters,
    spec_settings,
)
from tests.bdd.drivers.shapes import intent_data, order_data, page_of, product_data
from tests.support.containers import use_memory_adapters

T = TypeVar("T")

# The same order as the HTTP error table: subclasses are matched by their base.
_REFUSALS: tuple[tuple[type[DomainError], str], ...] = (
    (ValidationFailed, "invalid"),
    (AuthenticationFailed, "unauthorized"),
    (PermissionDenied, "forbidden"),
    (NotFound, "not found"),
    (Conflict, "conflict"),
    (BusinessRuleViolated, "business rule"),
    (RateLimited, "rate limited"),
)

# Wire names of the product fields staff may change, to the command's attribute names.
_PRODUCT_FIELDS = {
    "name": "name",
    "description": "description",
    "priceCents": "price_cents",
    "active": "active",
}

# Wire names of the fields an admin may change, to the command's attribute names.
_USER_FIELDS = {
    "email": "email",
    "name": "name",
    "role": "role",
    "tier": "tier",
    "active": "active",
}


def user_data(view: UserView) -> dict[str, Any]:
    """A user view with the contract's field names, as the HTTP API would show it."""
    return {
        "id": str(view.id),
        "email": view.email,
        "name": view.name,
        "role": str(view.role),
        "tier": str(view.tier),
        "emailVerified": view.email_verified,
        "active": view.active,
        "createdAt": view.created_at.isoformat(),
        "updatedAt": view.updated_at.isoformat(),
    }


def session_data(session: AuthSession) -> dict[str, Any]:
    """A login or refresh result with the contract's field names."""
    return {
        "accessToken": session.access_token,
        "refreshToken": session.refresh_token,
        "tokenType": session.token_type,
        "expiresIn": session.expires_in,
        "user": user_data(session.user),
    }


def page_data(page: Page[UserView]) -> dict[str, Any]:
    """A page of users with the contract's envelope."""
    return {
        "data": [user_data(u) for u in page.items],
        "meta": {
            "page": page.page,
            "limit": page.limit,
            "total": page.total,
            "totalPages": page.total_pages,
        },
    }


def refusal_of(error: DomainError) -> Outcome:
    """The neutral outcome for a business error."""
    for kind, name in _REFUSALS:
        if isinstance(error, kind):
            fields = tuple(e.field for e in getattr(error, "errors", ()))
            return Outcome(refusal=name, fields=fields, message=error.message)
    raise error


class UseCaseDriver(Driver):
    """Calls use cases from the container on one event loop the driver owns."""

    def __init__(self, clock: FrozenClock | None = None) -> None:
        container = Container(settings=spec_settings())
        # One loop for every call: the memory store's lock must be used on a single loop.
        self._runner = asyncio.Runner()
        self.store = use_memory_adapters(container)
        super().__init__(container, clock or FrozenClock())

    def run(self, make: Callable[[], Awaitable[T]]) -> T:
        """Run a coroutine on the driver's loop."""

        async def call() -> T:
            return await make()

        return self._runner.run(call())

    def close(self) -> None:
        """Close the event loop."""
        self._runner.close()

    def _do(self, make: Callable[[], Awaitable[Any]], shape: Callable[[Any], Any]) -> Outcome:
        """One action: let a second pass, run it, turn its result or refusal into an Outcome."""
        self.tick()
        try:
            result = self.run(make)
        except DomainError as error:
            return refusal_of(error)
        return Outcome(data=shape(result))

    def _as(
        self,
        access: str | None,
        act: Callable[[Actor], Awaitable[Any]],
        shape: Callable[[Any], Any],
    ) -> Outcome:
        """An action on behalf of the bearer of an access token (anonymous when None)."""

        async def call() -> Any:
            if access is None:
                raise InvalidAccessToken()
            actor = await self.container.accounts.authenticate()(access)
            return await act(actor)

        return self._do(call, shape)

    def _maybe_as(
        self,
        access: str | None,
        act: Callable[[Actor | None], Awaitable[Any]],
        shape: Callable[[Any], Any],
    ) -> Outcome:
        """An action open to anyone: on behalf of the bearer, or of nobody when None."""

        async def call() -> Any:
            actor = None if access is None else await self.container.accounts.authenticate()(access)
            return await act(actor)

        return self._do(call, shape)

    # --- public actions ---------------------------------------------------------------------

    def register(self, email: str, password: str, name: str | None = None) -> Outcome:
        """Sign up."""
        cmd = RegisterUserCommand(email, password, name)
        return self._do(lambda: self.container.accounts.register_user()(cmd), user_data)

    def verify_email(self, token: str) -> Outcome:
        """Redeem a verification token."""
        cmd = VerifyEmailCommand(token)
        return self._do(lambda: self.container.accounts.verify_email()(cmd), user_data)

    def resend_verification(self, email: str) -> Outcome:
        """Ask for a new verification email."""
        cmd = ResendVerificationCommand(email)
        return self._do(lambda: self.container.accounts.resend_verification()(cmd), lambda _: None)

    def login(self, email: str, password: str, ip: str) -> Outcome:
        """Log in from a client address."""
        cmd = LogInCommand(email, password, client_ip=ip)
        return self._do(lambda: self.container.accounts.log_in()(cmd), session_data)

    def refresh(self, refresh_token: str) -> Outcome:
        """Rotate a refresh token."""
        cmd = RefreshSessionCommand(refresh_token)
        return self._do(lambda: self.container.accounts.refresh_session()(cmd), session_data)

    def logout(self, refresh_token: str) -> Outcome:
        """End the login of a refresh token."""
        cmd = LogOutCommand(refresh_token)
        return self._do(lambda: self.container.accounts.log_out()(cmd), lambda _: None)

    def forgot_password(self, email: str) -> Outcome:
        """Ask for a password reset email."""
        cmd = ForgotPasswordCommand(email)
        return self._do(lambda: self.container.accounts.forgot_password()(cmd), lambda _: None)

    def reset_password(self, token: str, password: str) -> Outcome:
        """Choose a new password with a reset token."""
        cmd = ResetPasswordCommand(token, password)
        return self._do(lambda: self.container.accounts.reset_password()(cmd), lambda _: None)

    # --- signed-in actions ------------------------------------------------------------------

    def me(self, access: str | None) -> Outcome:
        """One's own profile."""
        return self._as(
            access, lambda actor: self.container.accounts.get_profile()(actor), user_data
        )

    def update_me(self, access: str | None, name: str) -> Outcome:
        """Rename oneself."""
        cmd = UpdateProfileCommand(name=name)
        return self._as(
            access, lambda actor: self.container.accounts.update_profile()(actor, cmd), user_data
        )

    def change_password(self, access: str | None, current: str, new: str) -> Outcome:
        """Change one's own password."""
        cmd = ChangePasswordCommand(current, new)
        return self._as(
            access,
            lambda actor: self.container.accounts.change_password()(actor, cmd),
            lambda _: None,
        )

    def list_users(self, access: str | None, filters: UserFilters) -> Outcome:
        """The admin user list."""

        async def act(actor: Actor) -> Page[UserView]:
            # Built inside the call: out-of-range paging is a validation refusal.
            query = ListUsersQuery(
                search=filters.search,
                role=Role(filters.role) if filters.role else None,
                active=filters.active,
                sort=filters.sort,
                page=PageRequest(page=filters.page or 1, limit=filters.limit or 20),
            )
            return await self.container.accounts.list_users()(actor, query)

        return self._as(access, act, page_data)

    def create_user(
        self,
        access: str | None,
        email: str,
        password: str,
        name: str | None = None,
        role: str | None = None,
        tier: str | None = None,
    ) -> Outcome:
        """An admin creates an account."""
        cmd = CreateUserCommand(
            email,
            password,
            name,
            role=Role(role) if role else Role.CUSTOMER,
            tier=Tier(tier) if tier else Tier.STANDARD,
        )
        return self._as(
            access, lambda actor: self.container.accounts.create_user()(actor, cmd), user_data
        )

    def get_user(self, access: str | None, user_id: str) -> Outcome:
        """An admin views an account."""
        return self._as(
            access,
            lambda actor: self.container.accounts.get_user()(actor, UUID(user_id)),
            user_data,
        )

    def update_user(self, access: str | None, user_id: str, changes: dict[str, Any]) -> Outcome:
        """An admin changes some fields of an account."""
        values = {_USER_FIELDS[k]: v for k, v in changes.items()}
        if "role" in values:
            values["role"] = Role(values["role"])
        if "tier" in values:
            values["tier"] = Tier(values["tier"])
        cmd = UpdateUserCommand(user_id=UUID(user_id), **values)
        return self._as(
            access, lambda actor: self.container.accounts.update_user()(actor, cmd), user_data
        )

    def delete_user(self, access: str | None, user_id: str) -> Outcome:
        """An admin deletes an account."""
        return self._as(
            access,
            lambda actor: self.container.accounts.delete_user()(actor, UUID(user_id)),
            lambda _: None,
        )

    # --- catalog ----------------------------------------------------------------------------

    def create_product(self, access: str | None, fields: dict[str, Any]) -> Outcome:
        """Staff add a product."""
        cmd = CreateProductCommand(
            name=fields["name"],
            price_cents=fields["priceCents"],
            stock=fields["stock"],
            description=fields.get("description", ""),
            active=fields.get("active", True),
        )
        return self._as(
            access, lambda actor: self.container.catalog.create_product()(actor, cmd), product_data
        )

    def update_product(
        self, access: str | None, product_id: str, changes: dict[str, Any]
    ) -> Outcome:
        """Staff change some fields of a product."""
        values = {_PRODUCT_FIELDS[k]: v for k, v in changes.items()}
        cmd = UpdateProductCommand(product_id=UUID(product_id), **values)
        return self._as(
            access, lambda actor: self.container.catalog.update_product()(actor, cmd), product_data
        )

    def adjust_stock(self, access: str | None, product_id: str, delta: int) -> Outcome:
        """Staff add or remove stock."""
        cmd = AdjustStockCommand(UUID(product_id), delta)
        return self._as(
            access, lambda actor: self.container.catalog.adjust_stock()(actor, cmd), product_data
        )

    def delete_product(self, access: str | None, product_id: str) -> Outcome:
        """An admin deletes a product."""
        return self._as(
            access,
            lambda actor: self.container.catalog.delete_product()(actor, UUID(product_id)),
            lambda _: None,
        )

    def list_products(self, access: str | None, filters: ProductFilters) -> Outcome:
        """Browse the catalog."""

        async def act(actor: Actor | None) -> Page[ProductView]:
            # Built inside the call: out-of-range paging is a validation refusal.
            query = ListProductsQuery(
                search=filters.search,
                min_price=filters.min_price,
                max_price=filters.max_price,
                in_stock=filters.in_stock,
                sort=filters.sort,
                page=PageRequest(page=filters.page or 1, limit=filters.limit or 20),
            )
            return await self.container.catalog.list_products()(actor, query)

        return self._maybe_as(access, act, page_of(product_data))

    def get_product(self, access: str | None, product_id: str) -> Outcome:
        """Look at one product."""
        return self._maybe_as(
            access,
            lambda actor: self.container.catalog.get_product()(actor, UUID(product_id)),
            product_data,
        )

    # --- orders and payments ----------------------------------------------------------------

    def place_order(
        self,
        access: str | None,
        items: list[tuple[str, int]],
        idempotency_key: str | None = None,
    ) -> Outcome:
        """Order products."""
        cmd = PlaceOrderCommand(
            items=tuple(RequestedItem(UUID(p), q) for p, q in items),
            idempotency_key=idempotency_key,
        )
        return self._as(
            access, lambda actor: self.container.ordering.place_order()(actor, cmd), order_data
        )

    def list_orders(self, access: str | None, filters: OrderFilters) -> Outcome:
        """One's own orders, or everyone's for an admin."""

        async def act(actor: Actor) -> Page[OrderView]:
            query = ListOrdersQuery(
                user_id=UUID(filters.user_id) if filters.user_id else None,
                status=OrderStatus(filters.status) if filters.status else None,
                sort=filters.sort,
                page=PageRequest(page=filters.page or 1, limit=filters.limit or 20),
            )
            return await self.container.ordering.list_orders()(actor, query)

        return self._as(access, act, page_of(order_data))

    def get_order(self, access: str | None, order_id: str) -> Outcome:
        """Look at one order."""
        return self._as(
            access,
            lambda actor: self.container.ordering.get_order()(actor, UUID(order_id)),
            order_data,
        )

    def cancel_order(self, access: str | None, order_id: str) -> Outcome:
        """Cancel a pending order."""
        return self._as(
            access,
            lambda actor: self.container.ordering.cancel_order()(actor, UUID(order_id)),
            order_data,
        )

    def ship_order(self, access: str | None, order_id: str) -> Outcome:
        """Staff ship a paid order."""
        return self._as(
            access,
            lambda actor: self.container.ordering.ship_order()(actor, UUID(order_id)),
            order_data,
        )

    def refund_order(self, access: str | None, order_id: str) -> Outcome:
        """An admin refunds a paid or shipped order."""
        return self._as(
            access,
            lambda actor: self.container.ordering.refund_order()(actor, UUID(order_id)),
            order_data,
        )

    def start_payment(self, access: str | None, order_id: str) -> Outcome:
        """The owner starts paying an order."""
        return self._as(
            access,
            lambda actor: self.container.ordering.start_payment()(actor, UUID(order_id)),
            intent_data,
        )

    def settle_payment(self, intent_id: str, succeed: bool) -> Outcome:
        """The sandbox provider settles a payment, as POST /sandbox/payments/{id}/... does."""
        return self._do(
            lambda: self.container.ordering.simulate_payment()(intent_id, succeed),
            lambda outcome: {"outcome": str(outcome)},
        )
