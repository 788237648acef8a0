"""Who is asking: the authenticated caller a use case acts for."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from domain.accounts import Role
from domain.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    """The caller of a use case. `system()` is the operator at the CLI."""

    user_id: UUID | None
    role: Role
    session_id: UUID | None = None
    # The caller's account (an accounts UserView) as read while authenticating this request,
    # so a request that only needs it (GET /me) doesn't read it twice. None for the CLI
    # operator. Typed loosely so the shared kernel names no context.
    profile: object | None = field(default=None, compare=False, repr=False)

    @classmethod
    def system(cls) -> Actor:
        """The operator running the CLI: acts with admin rights, is no user."""
        return cls(user_id=None, role=Role.ADMIN)

    def require(self, *roles: Role) -> None:
        """Raise PermissionDenied unless the actor has one of the roles."""
        if self.role not in roles:
            raise PermissionDenied()

    @property
    def is_admin(self) -> bool:
        """True for admins (and the CLI operator)."""
        return self.role is Role.ADMIN

    @property
    def is_staff(self) -> bool:
        """True for admins and editors."""
        return self.role in (Role.ADMIN, Role.EDITOR)
