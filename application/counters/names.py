"""The rule every counter use case applies first: a valid name, or a 400 naming `name`."""

from __future__ import annotations

from domain.counters import is_counter_name
from domain.errors import ValidationFailed

NAME_FIELD = "name"
BAD_NAME = "A counter name is 1 to 64 lower-case letters, digits or '-'"


def require_counter_name(name: str) -> str:
    """`name` when valid, else ValidationFailed on the `name` field."""
    if not is_counter_name(name):
        raise ValidationFailed.of(NAME_FIELD, BAD_NAME)
    return name
