"""Steps of the media features: uploading, listing, downloading, seeing and deleting files."""

from __future__ import annotations

import io
import re
from typing import Any
from uuid import uuid4

from pytest_bdd import given, parsers, step, when

from tests.bdd.accounts.steps import ACTOR, HER
from tests.bdd.accounts.world import AccountsWorld
from tests.bdd.catalog.world import CatalogWorld
from tests.bdd.media.driver import Download, MediaDriver, MediaFilters
from tests.bdd.media.world import MediaWorld
from tests.bdd.shared.context import World
from tests.bdd.shared.outcome import Outcome
from tests.support import media_samples

FILE = r'"(?P<file>[^"]+)"'
PRODUCT = r'"(?P<product>[^"]+)"'
EMAIL = r'"(?P<email>[^"]+)"'


def _photo(_: MediaDriver) -> bytes:
    """A 40 by 20 PNG (red left, blue right)."""
    out = io.BytesIO()
    media_samples.two_colour_image().save(out, format="PNG")
    return out.getvalue()


def _over_the_limit(driver: MediaDriver) -> bytes:
    pdf = media_samples.pdf()
    return pdf + b"%" * (driver.max_bytes + 1 - len(pdf))


# What each kind of file is made of; the functions get the driver for the size limit.
KINDS: dict[str, Any] = {
    "a photo": _photo,
    "a photo taken with its location": lambda _: media_samples.jpeg_with_gps(),
    "a PDF": lambda _: media_samples.pdf(),
    "a song": lambda _: media_samples.mp3_with_id3(),
    "a video": lambda _: media_samples.webm(),
    "a web page": lambda _: media_samples.HTML,
    "an SVG drawing": lambda _: media_samples.SVG,
    "an empty file": lambda _: b"",
    "a PDF one byte over the size limit": _over_the_limit,
    "a photo of too many pixels": lambda _: media_samples.png_declaring(20_000, 20_000),
}
KIND = "(?P<kind>" + "|".join(sorted(map(re.escape, KINDS), key=len, reverse=True)) + ")"


def _remember(media: MediaWorld, name: str, content: bytes, outcome: Outcome) -> None:
    if outcome.ok:
        media.files[name] = outcome.data["id"]
        media.sent[name] = content


def returned(world: World) -> dict[str, Any]:
    """The data of the last action, which must have succeeded."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    data: dict[str, Any] = outcome.data
    return data


def _download(media: MediaWorld, access: str | None, name: str, request: Download) -> Outcome:
    outcome = media.driver.download(access, media.file_id(name), request)
    if outcome.ok and outcome.data["status"] != 304:
        media.last_download = outcome.data
    return outcome


# --- uploading (When, and Given to set the scene) --------------------------------------------


@step(
    parsers.re(
        rf"{ACTOR} (?P<tense>uploads|has uploaded) {KIND} {FILE}"
        r'(?: declared as "(?P<declared>[^"]+)")?'
    )
)
def uploads(
    world: World,
    accounts: AccountsWorld,
    media: MediaWorld,
    actor: str,
    tense: str,
    kind: str,
    file: str,
    declared: str | None,
) -> None:
    """Upload a file of a kind (`has uploaded`: it must succeed)."""
    content = KINDS[kind](media.driver)
    outcome = media.driver.upload(accounts.access(actor), file, content, declared)
    _remember(media, file, content, outcome)
    if tense == "has uploaded":
        assert outcome.ok, outcome.describe()
    else:
        world.record(outcome)


@given(parsers.re(rf"there is no file {FILE}"))
def no_such_file(media: MediaWorld, file: str) -> None:
    """A file name that stands for an id nobody uploaded."""
    media.files[file] = str(uuid4())


@given("the file storage is down")
def storage_down(media: MediaWorld) -> None:
    """Every storage call fails as an outage."""
    media.driver.storage.down = True


@when("the file storage is back")
def storage_back(media: MediaWorld) -> None:
    """Storage answers again."""
    media.driver.storage.down = False


# --- listing (When) -----------------------------------------------------------------------------

_LIST_OPTIONS = (
    (r'sorted by "(?P<sort>[^"]+)"', "sort"),
    (r"(?:showing )?page (?P<page>\d+)", "page"),
    (r"(?:with )?(?P<limit>\d+) per page", "limit"),
)


@when(parsers.re(rf"{ACTOR} lists (?:the files of {EMAIL}|{HER} files)(?: (?P<options>.+))?"))
def lists_files(
    world: World,
    accounts: AccountsWorld,
    media: MediaWorld,
    actor: str,
    email: str | None,
    options: str | None,
) -> None:
    """List files: one's own, or (admins) everybody's or one person's."""
    filters = MediaFilters(owner_id=accounts.user_id(email) if email else None)
    rest = options or ""
    for pattern, name in _LIST_OPTIONS:
        match = re.search(pattern, rest)
        if match is not None:
            raw = match.group(name)
            setattr(filters, name, raw if name == "sort" else int(raw))
            rest = rest[: match.start()] + rest[match.end() :]
    leftover = re.sub(r"\b(?:and|with)\b|,", " ", rest).strip()
    assert not leftover, f"unknown list option(s): {leftover!r}"
    world.record(media.driver.list_files(accounts.access(actor), filters))


# --- looking and downloading (When) ----------------------------------------------------------


@when(parsers.re(rf"{ACTOR} looks at the file {FILE}"))
def looks_at_file(
    world: World, accounts: AccountsWorld, media: MediaWorld, actor: str, file: str
) -> None:
    """Open a file's details."""
    world.record(media.driver.file_info(accounts.access(actor), media.file_id(file)))


@step(parsers.re(rf"{ACTOR} (?P<tense>downloads|has downloaded) the file {FILE}"))
def downloads(
    world: World, accounts: AccountsWorld, media: MediaWorld, actor: str, tense: str, file: str
) -> None:
    """Download a whole file (`has downloaded`: it must succeed)."""
    outcome = _download(media, accounts.access(actor), file, Download())
    if tense == "has downloaded":
        assert outcome.ok, outcome.describe()
    else:
        world.record(outcome)


@when(parsers.re(rf"{ACTOR} downloads bytes (?P<first>\d+) to (?P<last>\d+) of the file {FILE}"))
def downloads_range(
    world: World,
    accounts: AccountsWorld,
    media: MediaWorld,
    actor: str,
    first: str,
    last: str,
    file: str,
) -> None:
    """Download part of a file (both bytes included), as a resumed download would."""
    request = Download(byte_range=(int(first), int(last)))
    world.record(_download(media, accounts.access(actor), file, request))


@when(parsers.re(rf"{ACTOR} downloads the file {FILE} again with {HER} copy"))
def downloads_again(
    world: World, accounts: AccountsWorld, media: MediaWorld, actor: str, file: str
) -> None:
    """Ask for a file again, naming the copy of the last download."""
    assert media.last_download is not None, "nothing was downloaded yet"
    request = Download(etag=media.last_download["etag"])
    world.record(_download(media, accounts.access(actor), file, request))


# --- deleting (When) -----------------------------------------------------------------------------


@when(parsers.re(rf"{ACTOR} deletes the file {FILE}"))
def deletes_file(
    world: World, accounts: AccountsWorld, media: MediaWorld, actor: str, file: str
) -> None:
    """Delete a file."""
    world.record(media.driver.delete(accounts.access(actor), media.file_id(file)))


@when(parsers.re(rf"{ACTOR} deletes a file that does not exist"))
def deletes_missing_file(
    world: World, accounts: AccountsWorld, media: MediaWorld, actor: str
) -> None:
    """Delete an id nobody uploaded."""
    world.record(media.driver.delete(accounts.access(actor), str(uuid4())))


# --- files on products (When, and Given to set the scene) -------------------------------------


def _change_images(
    accounts: AccountsWorld,
    catalog: CatalogWorld,
    media: MediaWorld,
    actor: str,
    file: str,
    product: str,
    *,
    add: bool,
) -> Outcome:
    product_id = catalog.product_id(product)
    state = catalog.driver.product_state(product_id)
    assert state is not None, f'"{product}" is not in the catalog'
    images = [i for i in state["imageIds"] if i != media.file_id(file)]
    if add:
        images.append(media.file_id(file))
    changes = {"imageIds": images}
    return catalog.driver.update_product(accounts.access(actor), product_id, changes)


@step(parsers.re(rf"{ACTOR} (?P<tense>shows|has shown) the file {FILE} on the product {PRODUCT}"))
def shows_file_on_product(
    world: World,
    accounts: AccountsWorld,
    catalog: CatalogWorld,
    media: MediaWorld,
    actor: str,
    tense: str,
    file: str,
    product: str,
) -> None:
    """Staff add a file to a product's images (`has shown`: it must succeed)."""
    outcome = _change_images(accounts, catalog, media, actor, file, product, add=True)
    if tense == "has shown":
        assert outcome.ok, outcome.describe()
    else:
        world.record(outcome)


@when(parsers.re(rf"{ACTOR} takes the file {FILE} off the product {PRODUCT}"))
def takes_file_off_product(
    world: World,
    accounts: AccountsWorld,
    catalog: CatalogWorld,
    media: MediaWorld,
    actor: str,
    file: str,
    product: str,
) -> None:
    """Staff remove a file from a product's images."""
    outcome = _change_images(accounts, catalog, media, actor, file, product, add=False)
    world.record(outcome)
