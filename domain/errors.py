"""Business errors. Each names what went wrong; entrypoints map them to HTTP in one table."""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """Base of every error the business rules raise."""

    message = "The request was refused."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message


@dataclass(frozen=True)
class FieldError:
    """One invalid input field and why."""

    field: str
    message: str


class ValidationFailed(DomainError):
    """Input breaks a field rule (bad email, weak password, unknown sort field...)."""

    message = "Validation failed"

    def __init__(self, *errors: FieldError, message: str | None = None) -> None:
        super().__init__(message or (errors[0].message if len(errors) == 1 else self.message))
        self.errors: tuple[FieldError, ...] = errors

    @classmethod
    def of(cls, field: str, message: str) -> ValidationFailed:
        """Build the error for one field."""
        return cls(FieldError(field, message))


class NotFound(DomainError):
    """The resource does not exist or is not visible to the caller."""

    message = "Resource not found"


class Conflict(DomainError):
    """The request conflicts with the current state."""

    message = "The request conflicts with the current state"


class PreconditionFailed(DomainError):
    """The resource changed since the version the caller names (HTTP 412 for If-Match)."""

    message = "The resource was changed since you read it"


class AuthenticationFailed(DomainError):
    """The caller could not be authenticated."""

    message = "Authentication required"


class PermissionDenied(DomainError):
    """The caller is authenticated but not allowed."""

    message = "You are not allowed to do this"


class BusinessRuleViolated(DomainError):
    """A business rule refuses an otherwise valid request (HTTP 422)."""

    message = "The request breaks a business rule"


class RateLimited(DomainError):
    """Too many attempts; retry after the given number of seconds."""

    message = "Too many attempts, try again later"

    def __init__(self, retry_after_seconds: int, message: str | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class ServiceUnavailable(DomainError):
    """A backing service the request needs cannot be reached."""

    message = "A required service is unavailable"

    def __init__(self, message: str | None = None, retry_after_seconds: int | None = None) -> None:
        super().__init__(message)
        # Set when we know when it is worth trying again (an open circuit breaker).
        self.retry_after_seconds = retry_after_seconds


class PayloadTooLarge(DomainError):
    """An upload is larger than the limit (HTTP 413), refused as soon as the limit is passed."""

    message = "The file is larger than the limit"


class RangeNotSatisfiable(DomainError):
    """A `Range` asks for bytes outside the file (HTTP 416, `Content-Range: bytes */size`)."""

    message = "The requested range is outside the file"

    def __init__(self, size: int, message: str | None = None) -> None:
        super().__init__(message)
        self.size = size


# --- accounts -------------------------------------------------------------------------------


class EmailAlreadyRegistered(Conflict):
    """Another account already uses this email."""

    message = "User already exists"


class UserNotFound(NotFound):
    """No such user."""

    message = "User not found"


class InvalidCredentials(AuthenticationFailed):
    """Unknown email or wrong password; deliberately the same error for both."""

    message = "Invalid credentials"


class WrongPassword(AuthenticationFailed):
    """The current password given to change it is wrong."""

    message = "Current password is incorrect"


class InvalidAccessToken(AuthenticationFailed):
    """A missing, malformed, expired or revoked access token."""

    message = "Invalid or expired access token"


class InvalidRefreshToken(AuthenticationFailed):
    """An unknown, expired, revoked or already-rotated refresh token."""

    message = "Invalid refresh token"


class EmailNotVerified(PermissionDenied):
    """The account exists but its email is not verified yet."""

    message = "Email address is not verified"


class AccountDeactivated(PermissionDenied):
    """The account has been deactivated."""

    message = "Account is deactivated"


class InvalidOneTimeToken(ValidationFailed):
    """A verification or reset token that is unknown, used or expired."""

    def __init__(self) -> None:
        super().__init__(FieldError("token", "Token is invalid or expired"))


class OwnAccountProtected(Conflict):
    """An admin tried to delete, deactivate or demote their own account through user admin."""

    message = (
        "You can't delete, deactivate or demote your own account here; use /me or ask another admin"
    )


class LastAdminProtected(Conflict):
    """The last active admin cannot be demoted, deactivated or deleted."""

    message = "The last active admin cannot be demoted, deactivated or deleted"


# --- API keys and counters --------------------------------------------------------------------


class InvalidApiKey(AuthenticationFailed):
    """A missing, unknown, malformed or revoked API key (never told apart)."""

    message = "Missing, unknown or revoked API key"


class ApiKeyScopeDenied(PermissionDenied):
    """The API key is valid but not for this counter or this origin."""

    message = "This API key is not allowed here"


class ApiKeyNameTaken(Conflict):
    """Another API key already has this name."""

    message = "An API key with this name already exists"


class ApiKeyNotFound(NotFound):
    """No API key has this name."""

    message = "API key not found"


class CounterNotFound(NotFound):
    """The counter never got a hit."""

    message = "Counter not found"
