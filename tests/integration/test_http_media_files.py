"""GET /media/{id} and friends over HTTP: the contract's download headers, ETag and Range
edge cases, non-ASCII names, who sees what (others get 404), listing, deletion."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from uuid import UUID, uuid4

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from application.catalog.commands import CreateProductCommand
from application.shared.actor import Actor
from application.shared.paging import Cursor
from domain.accounts import Role
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.integration.conftest import API, Client, assert_error_body, bearer, make_settings
from tests.integration.media_helpers import (
    media_container,
    media_settings,
    sign_up,
    stored_objects,
    upload,
)
from tests.support import media_samples
from tests.support.databases import copy_sqlite_database, sqlite_url

# 26 bytes after the PDF header: easy ranges to reason about.
PDF = media_samples.pdf() + b"abcdefghijklmnopqrstuvwxyz"
SIZE = len(PDF)
NAME = "Übersicht \u2013 写真 \u201cfinal\u201d.pdf"  # an en dash and curly quotes


class Shop:
    """The app with Ana (who uploaded `terms`), Bob, an editor and an admin signed in."""

    app: Litestar
    container: Container
    client: Client
    tokens: dict[str, str]
    file: dict[str, Any]

    def url(self, suffix: str = "") -> str:
        """The path of Ana's file."""
        return f"{API}/media/{self.file['id']}{suffix}"

    async def get(self, who: str | None, path: str | None = None, **headers: str) -> Any:
        """GET as someone (None: anonymously)."""
        auth = bearer(self.tokens[who]) if who else {}
        return await self.client.get(path or self.url(), headers={**auth, **headers})


@pytest.fixture
async def shop(tmp_path: Path, migrated_sqlite: Path) -> AsyncIterator[Shop]:
    """A fresh app on SQLite and local storage, with people and one uploaded file."""
    database = copy_sqlite_database(migrated_sqlite, tmp_path / "hexashop.db")
    settings = media_settings(make_settings(tmp_path, sqlite_url(database)), tmp_path)
    built = Shop()
    built.container = media_container(settings)
    built.app = create_app(built.container)
    async with AsyncTestClient(app=built.app) as client:
        built.client = client
        built.tokens = {
            "ana": await sign_up(built.container, client, "ana@example.com"),
            "bob": await sign_up(built.container, client, "bob@example.com"),
            "eve": await sign_up(built.container, client, "eve@example.com", Role.EDITOR),
            "root": await sign_up(built.container, client, "root@example.com", Role.ADMIN),
        }
        created = await upload(client, built.tokens["ana"], PDF, NAME)
        assert created.status_code == 201, created.text
        built.file = created.json()
        yield built


# --- the whole file -----------------------------------------------------------------------------


async def test_a_download_carries_the_contracts_headers(shop: Shop) -> None:
    response = await shop.get("ana")

    assert response.status_code == 200
    assert response.content == PDF
    headers = response.headers
    assert headers["content-type"] == "application/pdf"
    assert headers["content-length"] == str(SIZE)
    assert headers["etag"] == f'"{hashlib.sha256(PDF).hexdigest()}"'
    assert headers["accept-ranges"] == "bytes"
    assert headers["x-content-type-options"] == "nosniff"
    disposition = headers["content-disposition"]
    assert disposition.startswith('attachment; filename="')
    assert f"filename*=UTF-8''{quote(NAME, safe='')}" in disposition
    assert disposition.isascii()


async def test_the_info_is_the_media_object(shop: Shop) -> None:
    response = await shop.get("ana", shop.url("/info"))

    assert response.status_code == 200
    assert response.json() == shop.file
    assert shop.file["filename"] == NAME
    assert shop.file["sha256"] == hashlib.sha256(PDF).hexdigest()


async def test_redirect_with_local_storage_streams_the_file(shop: Shop) -> None:
    response = await shop.get("ana", shop.url("?redirect=true"))

    assert response.status_code == 200
    assert response.content == PDF


@pytest.mark.parametrize("redirect", ["maybe", ""])
async def test_a_redirect_that_is_no_boolean_is_a_400(shop: Shop, redirect: str) -> None:
    response = await shop.get("ana", shop.url(f"?redirect={redirect}"))

    assert_error_body(response, 400, "BadRequest")


# --- ETag and If-None-Match ------------------------------------------------------------------


@pytest.mark.parametrize(
    "template", ["{etag}", "W/{etag}", '"other", {etag}', "*"], ids=["same", "weak", "list", "any"]
)
async def test_a_matching_if_none_match_is_a_304(shop: Shop, template: str) -> None:
    etag = (await shop.get("ana")).headers["etag"]

    response = await shop.get("ana", **{"If-None-Match": template.format(etag=etag)})

    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag


async def test_another_etag_gets_the_file(shop: Shop) -> None:
    response = await shop.get("ana", **{"If-None-Match": '"0123"'})

    assert (response.status_code, response.content) == (200, PDF)


# --- Range ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=2-5", 2, 5),
        (f"bytes={SIZE - 1}-", SIZE - 1, SIZE - 1),
        ("bytes=10-", 10, SIZE - 1),
        ("bytes=-5", SIZE - 5, SIZE - 1),
        (f"bytes=-{SIZE * 10}", 0, SIZE - 1),
        (f"bytes=3-{SIZE * 10}", 3, SIZE - 1),
    ],
)
async def test_a_satisfiable_range_is_a_206(shop: Shop, header: str, first: int, last: int) -> None:
    response = await shop.get("ana", Range=header)

    assert response.status_code == 206
    assert response.content == PDF[first : last + 1]
    assert response.headers["content-range"] == f"bytes {first}-{last}/{SIZE}"
    assert response.headers["content-length"] == str(last - first + 1)
    assert response.headers["accept-ranges"] == "bytes"


@pytest.mark.parametrize(
    "header", [f"bytes={SIZE}-", f"bytes={SIZE + 100}-{SIZE + 200}", "bytes=-0"]
)
async def test_a_range_outside_the_file_is_a_416(shop: Shop, header: str) -> None:
    response = await shop.get("ana", Range=header)

    assert_error_body(response, 416, "RangeNotSatisfiable")
    assert response.headers["content-range"] == f"bytes */{SIZE}"


@pytest.mark.parametrize(
    "header", ["bytes=5-2", "items=0-3", "bytes=0-1,4-5", "bytes=abc", "bytes=" + "1" * 300]
)
async def test_a_range_that_means_nothing_serves_the_whole_file(shop: Shop, header: str) -> None:
    response = await shop.get("ana", Range=header)

    assert (response.status_code, response.content) == (200, PDF)


async def test_someone_who_may_not_see_the_file_learns_nothing_from_a_range(shop: Shop) -> None:
    response = await shop.get("bob", Range=f"bytes={SIZE}-")

    assert_error_body(response, 404, "NotFound")


# --- visibility -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["bob", "eve", None])
@pytest.mark.parametrize("suffix", ["", "/info"])
async def test_a_private_file_is_404_for_anyone_but_owner_and_admins(
    shop: Shop, who: str | None, suffix: str
) -> None:
    refused = await shop.get(who, shop.url(suffix))
    unknown = await shop.get(who, f"{API}/media/00000000-0000-4000-8000-000000000000{suffix}")

    assert_error_body(refused, 404, "NotFound")
    assert refused.json()["message"] == unknown.json()["message"]
    assert (await shop.get("root", shop.url(suffix))).status_code == 200


async def test_a_file_on_an_active_product_is_public(shop: Shop) -> None:
    command = CreateProductCommand("Mug", 900, 1, image_ids=(UUID(shop.file["id"]),))
    product = await shop.container.catalog.create_product()(Actor.system(), command)

    public = await shop.get(None)
    await shop.client.patch(
        f"{API}/products/{product.id}",
        json={"active": False},
        headers=bearer(shop.tokens["root"]),
    )
    private_again = await shop.get(None)

    assert (public.status_code, public.content) == (200, PDF)
    assert_error_body(private_again, 404, "NotFound")


@pytest.mark.parametrize("who", ["eve", "root"])
async def test_staff_attach_only_what_they_may(shop: Shop, who: str) -> None:
    response = await shop.client.post(
        f"{API}/products",
        json={"name": "Mug", "priceCents": 900, "stock": 1, "imageIds": [shop.file["id"]]},
        headers=bearer(shop.tokens[who]),
    )

    if who == "eve":
        body = assert_error_body(response, 400, "BadRequest")
        assert body["errors"] == [{"field": "imageIds", "message": "Unknown image id"}]
    else:
        assert response.status_code == 201, response.text
        assert response.json()["imageIds"] == [shop.file["id"]]


# --- listing --------------------------------------------------------------------------------------


async def test_lists_are_ones_own_and_admins_see_everyones(shop: Shop) -> None:
    bobs = (await upload(shop.client, shop.tokens["bob"], PDF, "bob.pdf")).json()
    bob_id = bobs["ownerId"]

    ana = await shop.get("ana", f"{API}/media?ownerId={bob_id}")
    everyone = await shop.get("root", f"{API}/media?sort=-createdAt")
    only_bob = await shop.get("root", f"{API}/media?ownerId={bob_id}")

    assert [m["id"] for m in ana.json()["data"]] == [shop.file["id"]]
    assert [m["id"] for m in everyone.json()["data"]] == [bobs["id"], shop.file["id"]]
    assert [m["id"] for m in only_bob.json()["data"]] == [bobs["id"]]
    assert everyone.json()["meta"] == {
        "page": 1,
        "limit": 20,
        "total": 2,
        "totalPages": 1,
        "totalExact": True,
        "nextCursor": None,
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sort=filename", "sort"),
        ("sort=", "sort"),
        ("ownerId=nope", "ownerId"),
        ("limit=0", "limit"),
    ],
)
async def test_a_bad_list_parameter_is_a_400_naming_it(shop: Shop, query: str, field: str) -> None:
    response = await shop.get("ana", f"{API}/media?{query}")

    body = assert_error_body(response, 400, "BadRequest")
    assert [e["field"] for e in body["errors"]] == [field]


def _ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [m["id"] for m in response.json()["data"]]


@pytest.mark.parametrize("sort", ["-sizeBytes", "createdAt"])
async def test_deep_pages_follow_the_next_cursor(shop: Shop, sort: str) -> None:
    for n in range(6):
        # Three sizes, two files each: the id breaks the ties.
        await upload(shop.client, shop.tokens["ana"], PDF + b"x" * (n % 3), f"{n}.pdf")
    seen: list[list[str]] = []
    metas = []
    url = f"{API}/media?limit=3&sort={sort}"
    while url:
        response = await shop.get("ana", url)
        seen.append(_ids(response))
        meta = response.json()["meta"]
        metas.append(meta)
        cursor = meta["nextCursor"]
        url = f"{API}/media?limit=3&sort={sort}&cursor={cursor}" if cursor else ""

    by_page = [
        _ids(await shop.get("ana", f"{API}/media?limit=3&sort={sort}&page={n}")) for n in (1, 2, 3)
    ]
    assert seen == by_page
    assert [m["page"] for m in metas] == [1, None, None]
    assert all((m["total"], m["totalExact"], m["totalPages"]) == (7, True, 3) for m in metas)
    assert metas[-1]["nextCursor"] is None


async def test_a_cursor_never_shows_another_users_files(shop: Shop) -> None:
    # Bob's file is older than Ana's latest three, newer than her first.
    bobs = (await upload(shop.client, shop.tokens["bob"], PDF, "bob.pdf")).json()
    for n in range(3):
        await upload(shop.client, shop.tokens["ana"], PDF, f"ana-{n}.pdf")
    anas_first = await shop.get("ana", f"{API}/media?limit=1")
    anas_cursor = anas_first.json()["meta"]["nextCursor"]
    ana_id = shop.file["ownerId"]
    # Forged after Ana's first file, oldest first: "start after it" still means "among Bob's".
    forged = Cursor(
        "createdAt", False, datetime.fromisoformat(shop.file["createdAt"]), UUID(shop.file["id"])
    ).encode()
    cases = [f"cursor={anas_cursor}", f"cursor={forged}&sort=createdAt"]

    for query in cases:
        for owner in ("", f"&ownerId={ana_id}"):
            response = await shop.get("bob", f"{API}/media?limit=10&{query}{owner}")

            assert _ids(response) == [bobs["id"]], (query, owner)
            assert response.json()["meta"]["total"] == 1


async def test_a_forged_or_misused_cursor_is_400_on_cursor(shop: Shop) -> None:
    await upload(shop.client, shop.tokens["ana"], PDF, "second.pdf")
    first = await shop.get("ana", f"{API}/media?limit=1&sort=sizeBytes")
    cursor = first.json()["meta"]["nextCursor"]
    # The right sort, a timestamp where a size belongs: well formed, but no cursor we made.
    wrong_kind = Cursor("sizeBytes", False, datetime.now(UTC), uuid4()).encode()
    cases = [
        "cursor=WyJzaXplQnl0ZXMiLDAsInYiLCJcdTAwMDAiLCIxIl0",  # a NUL where the size belongs
        "cursor=%00",
        "cursor=" + "A" * 2000,
        f"cursor={cursor}&page=2",
        f"cursor={cursor}&sort=-sizeBytes",
        f"cursor={cursor}&sort=createdAt",
        f"cursor={wrong_kind}&sort=sizeBytes",
    ]
    for query in cases:
        response = await shop.get("ana", f"{API}/media?limit=1&{query}")

        body = assert_error_body(response, 400, "BadRequest")
        assert [e["field"] for e in body["errors"]] == ["cursor"], query
    after = await shop.get("ana", f"{API}/media?limit=1&sort=sizeBytes&cursor={cursor}")
    assert len(_ids(after)) == 1 and _ids(after) != _ids(first)


async def test_listing_needs_a_signed_in_caller(shop: Shop) -> None:
    assert_error_body(await shop.get(None, f"{API}/media"), 401, "Unauthorized")


# --- deleting -------------------------------------------------------------------------------------


async def test_the_owner_deletes_the_file_and_its_bytes(shop: Shop) -> None:
    others = await shop.client.delete(shop.url(), headers=bearer(shop.tokens["bob"]))
    deleted = await shop.client.delete(shop.url(), headers=bearer(shop.tokens["ana"]))

    assert_error_body(others, 404, "NotFound")
    assert deleted.status_code == 204
    assert_error_body(await shop.get("ana"), 404, "NotFound")
    assert stored_objects(shop.container.settings()) == []


async def test_a_file_a_product_uses_is_a_409_until_it_is_taken_off(shop: Shop) -> None:
    root = bearer(shop.tokens["root"])
    product = await shop.client.post(
        f"{API}/products",
        json={"name": "Mug", "priceCents": 900, "stock": 1, "imageIds": [shop.file["id"]]},
        headers=root,
    )

    in_use = await shop.client.delete(shop.url(), headers=root)
    await shop.client.patch(
        f"{API}/products/{product.json()['id']}", json={"imageIds": []}, headers=root
    )
    freed = await shop.client.delete(shop.url(), headers=root)

    assert_error_body(in_use, 409, "Conflict")
    assert freed.status_code == 204


# --- the OpenAPI document -------------------------------------------------------------------------


async def test_the_schema_describes_the_upload_and_the_downloads(shop: Shop) -> None:
    schema = (await shop.client.get("/schema/openapi.json")).json()
    upload_op = schema["paths"][f"{API}/media"]["post"]
    download_op = schema["paths"][f"{API}/media/{{id}}"]["get"]

    form = upload_op["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file"]
    assert form["properties"]["file"] == {
        **form["properties"]["file"],
        "type": "string",
        "format": "binary",
    }
    assert {"201", "400", "401", "413", "503"} <= set(upload_op["responses"])
    responses = download_op["responses"]
    assert {"200", "206", "302", "304", "404", "416"} <= set(responses)
    for status in ("200", "206"):
        assert responses[status]["content"]["*/*"]["schema"] == {
            "type": "string",
            "format": "binary",
        }
    assert "Content-Range" in responses["206"]["headers"]
    assert "Content-Range" in responses["416"]["headers"]
    assert "Location" in responses["302"]["headers"]
    assert "content" not in responses["304"]


@pytest.mark.parametrize(
    ("path", "field"),
    [("/media/%00", "id"), ("/media/%00/info", "id"), ("/media?ownerId=%00", "ownerId")],
)
async def test_unstorable_text_in_a_media_path_or_query_is_a_400_naming_it(
    shop: Shop, path: str, field: str
) -> None:
    response = await shop.get("root", f"{API}{path}")

    body = assert_error_body(response, 400, "BadRequest")
    assert [e["field"] for e in body["errors"]] == [field]
