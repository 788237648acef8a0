"""Outcome steps of the media features: the returned and downloaded files, who can see what,
and what is stored."""

from __future__ import annotations

import io
import re

from PIL import ExifTags, Image
from pytest_bdd import parsers, then

from tests.bdd.accounts.steps import ACTOR
from tests.bdd.accounts.world import AccountsWorld
from tests.bdd.media.driver import Download, MediaFilters
from tests.bdd.media.steps import FILE, returned
from tests.bdd.media.world import MediaWorld
from tests.bdd.shared.context import World
from tests.support import media_samples


@then(parsers.re(rf'the returned file is {FILE} of type "(?P<content_type>[^"]+)"'))
def returned_file_is(world: World, file: str, content_type: str) -> None:
    """The name and (sniffed) type of the file the last action returned."""
    data = returned(world)
    assert (data["filename"], data["contentType"]) == (file, content_type), data


@then(parsers.re(r"the returned file is (?P<width>\d+) by (?P<height>\d+) pixels"))
def returned_file_pixels(world: World, width: str, height: str) -> None:
    """An image's size in pixels."""
    data = returned(world)
    assert (data["width"], data["height"]) == (int(width), int(height)), data


@then("the returned file has no size in pixels")
def returned_file_no_pixels(world: World) -> None:
    """Not an image: no width or height."""
    data = returned(world)
    assert (data["width"], data["height"]) == (None, None), data


@then(parsers.re(r'the returned file belongs to "(?P<email>[^"]+)"'))
def returned_file_owner(world: World, accounts: AccountsWorld, email: str) -> None:
    """Whose the returned file is."""
    assert returned(world)["ownerId"] == accounts.user_id(email)


def _downloaded(world: World) -> bytes:
    data = returned(world)
    assert data["status"] in (200, 206), data
    body: bytes = data["body"]
    return body


@then(parsers.re(rf"the downloaded bytes are the file {FILE} as uploaded"))
def downloaded_whole(world: World, media: MediaWorld, file: str) -> None:
    """The whole file came back, byte for byte."""
    assert returned(world)["status"] == 200
    assert _downloaded(world) == media.sent[file]


@then(
    parsers.re(
        rf"the downloaded bytes are bytes (?P<first>\d+) to (?P<last>\d+) of the file {FILE}"
    )
)
def downloaded_range(world: World, media: MediaWorld, first: str, last: str, file: str) -> None:
    """Exactly that part of the file came back, as a partial download."""
    assert returned(world)["status"] == 206
    assert _downloaded(world) == media.sent[file][int(first) : int(last) + 1]


@then("the downloaded photo carries no location")
def downloaded_photo_has_no_location(world: World) -> None:
    """No GPS in the EXIF, no XMP packet, nothing of the location anywhere in the bytes."""
    body = _downloaded(world)
    with Image.open(io.BytesIO(body)) as image:
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "xmp" not in image.info and "XML:com.adobe.xmp" not in image.info
    assert media_samples.SECRET.encode() not in body
    assert not re.search(rb"GPS|xmpmeta", body)


@then("the file is not sent again")
def not_sent_again(world: World) -> None:
    """The copy the caller named is current: no bytes came back."""
    data = returned(world)
    assert (data["status"], data["body"]) == (304, b""), data


@then(parsers.re(rf"{ACTOR} (?P<can>can|cannot) see the file {FILE}"))
def can_see_file(
    accounts: AccountsWorld, media: MediaWorld, actor: str, can: str, file: str
) -> None:
    """Whether the person gets the file's details and its bytes (else: not found, both)."""
    access = accounts.access(actor)
    info = media.driver.file_info(access, media.file_id(file))
    download = media.driver.download(access, media.file_id(file), Download())
    if can == "can":
        assert info.ok, info.describe()
        assert download.ok, download.describe()
        assert download.data["body"], download.describe()
    else:
        assert info.refusal == "not found", info.describe()
        assert download.refusal == "not found", download.describe()


@then(parsers.re(rf"the file {FILE} is gone"))
def file_is_gone(media: MediaWorld, file: str) -> None:
    """Neither its row nor its bytes are left."""
    assert media.file_id(file) not in media.driver.file_keys()
    assert media.file_id(file) not in media.driver.stored_keys()


@then("no stored object is left without its file")
def nothing_half_written(media: MediaWorld) -> None:
    """Every object in storage has its file's row, and every row its object."""
    assert media.driver.stored_keys() == media.driver.file_keys()


@then(parsers.re(rf"{ACTOR} has (?P<count>\d+) files?"))
def has_files(accounts: AccountsWorld, media: MediaWorld, actor: str, count: str) -> None:
    """How many files the person owns."""
    outcome = media.driver.list_files(accounts.access(actor), MediaFilters())
    assert outcome.ok, outcome.describe()
    assert outcome.data["meta"]["total"] == int(count), outcome.data["meta"]


@then(parsers.re(r"the listed files are (?P<names>.+)"))
def listed_files_are(world: World, names: str) -> None:
    """The page holds exactly these files, in this order (`none` for an empty page)."""
    data = returned(world)
    expected = re.findall(r'"([^"]+)"', names)
    listed = [m["filename"] for m in data["data"]]
    assert listed == expected, f"expected {expected}, listed {listed}"
