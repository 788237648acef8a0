"""The rule for the images a product refers to."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain.errors import ValidationFailed


def check_image_ids(image_ids: Sequence[UUID]) -> None:
    """Refuse image ids that don't name an uploaded file.

    Media don't exist in this codebase yet, so no id can name one and any id is refused.
    The media issue will replace this with a lookup in the media repository (the ids must
    exist and belong to the caller).
    """
    if image_ids:
        raise ValidationFailed.of("imageIds", "Unknown image id")
