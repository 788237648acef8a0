"""The images a product shows: uploaded files the caller may attach (admins anyone's,
editors their own), so nobody publishes someone else's private file."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from ordering_kit import ShopKit

from application.catalog.commands import CreateProductCommand, UpdateProductCommand
from domain.accounts import Role
from domain.errors import ValidationFailed
from tests.support.builders import make_media

UNKNOWN = [("imageIds", "Unknown image id")]


@pytest.fixture
def shop() -> ShopKit:
    """A fresh shop on the in-memory adapters."""
    return ShopKit()


def _upload(shop: ShopKit, owner_id: UUID | None) -> UUID:
    assert owner_id is not None
    media = make_media(owner_id)
    shop.store.media_files[media.id] = media
    return media.id


def _errors(refused: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[str, str]]:
    return [(e.field, e.message) for e in refused.value.errors]


async def test_an_editor_shows_his_own_files_on_a_product(shop: ShopKit):
    editor = await shop.add_staff(Role.EDITOR)
    images = (_upload(shop, editor.user_id), _upload(shop, editor.user_id))

    view = await shop.create_product()(
        editor, CreateProductCommand("Mug", 900, 1, image_ids=images)
    )

    assert view.image_ids == images


async def test_an_editor_cannot_show_someone_elses_file_nor_tell_it_exists(shop: ShopKit):
    editor = await shop.add_staff(Role.EDITOR)
    customer = await shop.add_customer()
    theirs = _upload(shop, customer.user_id)

    with pytest.raises(ValidationFailed) as someone_elses:
        await shop.create_product()(
            editor, CreateProductCommand("Mug", 900, 1, image_ids=(theirs,))
        )
    with pytest.raises(ValidationFailed) as unknown:
        await shop.create_product()(
            editor, CreateProductCommand("Mug", 900, 1, image_ids=(uuid4(),))
        )

    assert _errors(someone_elses) == _errors(unknown) == UNKNOWN
    assert shop.store.products == {}


async def test_an_admin_shows_anyones_file(shop: ShopKit):
    admin = await shop.add_staff(Role.ADMIN)
    customer = await shop.add_customer()
    theirs = _upload(shop, customer.user_id)

    view = await shop.create_product()(
        admin, CreateProductCommand("Mug", 900, 1, image_ids=(theirs,))
    )

    assert view.image_ids == (theirs,)


async def test_an_update_checks_only_the_files_it_adds(shop: ShopKit):
    admin = await shop.add_staff(Role.ADMIN)
    editor = await shop.add_staff(Role.EDITOR)
    customer = await shop.add_customer()
    product = await shop.add_product()
    theirs, his = _upload(shop, customer.user_id), _upload(shop, editor.user_id)
    await shop.update_product()(admin, UpdateProductCommand(product.id, image_ids=(theirs,)))

    kept = await shop.update_product()(
        editor, UpdateProductCommand(product.id, image_ids=(his, theirs))
    )
    with pytest.raises(ValidationFailed) as refused:
        await shop.update_product()(
            editor,
            UpdateProductCommand(product.id, image_ids=(his, _upload(shop, customer.user_id))),
        )

    assert kept.image_ids == (his, theirs)
    assert _errors(refused) == UNKNOWN
    assert shop.store.products[product.id].image_ids == [his, theirs]
