"""The rule for the images a product refers to."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from application.catalog.ports import AttachableImages
from application.shared.actor import Actor
from domain.errors import ValidationFailed

UNKNOWN_IMAGE = "Unknown image id"


async def check_image_ids(
    actor: Actor, image_ids: Sequence[UUID], images: AttachableImages
) -> None:
    """Refuse ids that don't name an uploaded file the caller may attach.

    Admins may attach anyone's file; editors only their own, so nobody can publish another
    user's private file by attaching it to a product (an active product makes its images
    public). A file that isn't the caller's gets the same answer as one that doesn't exist,
    so ids can't be probed.
    """
    if not image_ids:
        return
    owners = await images.owners(list(dict.fromkeys(image_ids)))
    for image_id in image_ids:
        owner = owners.get(image_id)
        if owner is None or not (actor.is_admin or owner == actor.user_id):
            raise ValidationFailed.of("imageIds", UNKNOWN_IMAGE)
