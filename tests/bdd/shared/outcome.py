"""What a business action reports, in terms both drivers share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Every refusal the specs can name, with the HTTP status the contract gives it.
REFUSAL_BY_STATUS = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not found",
    409: "conflict",
    412: "changed since it was read",
    413: "too large",
    416: "out of range",
    422: "business rule",
    429: "rate limited",
    503: "unavailable",
}


def field_key(name: str) -> str:
    """Compare field names loosely: "newPassword", "new_password" and "new password" match."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class Outcome:
    """What came back from one business action, in terms both drivers share.

    `data` holds the result with the contract's camelCase field names; `refusal` names
    why the action was refused (see REFUSAL_BY_STATUS), with the fields at fault.
    """

    data: Any = None
    refusal: str | None = None
    fields: tuple[str, ...] = ()
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when the action was carried out."""
        return self.refusal is None

    def describe(self) -> str:
        """A one-line summary for assertion messages."""
        if self.ok:
            return f"success with {self.data!r}"
        return f"refusal '{self.refusal}' ({self.message}; fields {list(self.fields)})"
