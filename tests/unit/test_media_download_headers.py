"""Range, ETag, If-None-Match and Content-Disposition for downloads, on every edge."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from domain.errors import RangeNotSatisfiable
from entrypoints.http.media_support.ranges import (
    content_disposition,
    etag_for,
    if_none_match,
    parse_range,
)

SIZE = 1000


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-0", (0, 0)),  # the first byte
        ("bytes=0-499", (0, 499)),
        ("bytes=500-999", (500, 999)),
        ("bytes=999-999", (999, 999)),  # the last byte
        ("bytes=999-", (999, 999)),
        ("bytes=0-", (0, 999)),
        ("bytes=200-", (200, 999)),
        ("bytes=500-5000", (500, 999)),  # the end past the file is cut to it
        ("bytes=0-99999999999999999999999999999999999999", (0, 999)),
        ("bytes=-1", (999, 999)),  # the last byte
        ("bytes=-500", (500, 999)),
        ("bytes=-1000", (0, 999)),
        ("bytes=-5000", (0, 999)),  # a suffix longer than the file is the whole file
        ("bytes=-" + "9" * 150, (0, 999)),  # more digits than any file's size
        ("bytes=0000010-00020", (10, 20)),  # leading zeros
        ("BYTES=1-2", (1, 2)),  # the unit is case-insensitive
        ("Bytes=1-2", (1, 2)),
        (" bytes=1-2 ", (1, 2)),
    ],
)
def test_satisfiable_ranges(header: str, expected: tuple[int, int]) -> None:
    assert parse_range(header, SIZE) == expected


@pytest.mark.parametrize(
    "header",
    [
        "bytes=1000-",  # starts at the end
        "bytes=1000-1000",
        "bytes=1000-2000",
        "bytes=5000-",
        "bytes=" + "9" * 150 + "-",
        "bytes=-0",  # the last zero bytes
        "bytes=-000",
    ],
)
def test_unsatisfiable_ranges_are_416_with_the_size(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable) as raised:
        parse_range(header, SIZE)
    assert raised.value.size == SIZE


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "bytes=",
        "bytes=-",
        "bytes",
        "bytes 0-1",
        "bytes:0-1",
        "bytes=abc",
        "bytes=a-b",
        "bytes=1-a",
        "bytes=5-3",  # last before first is invalid, so the header is ignored
        "bytes=--1",
        "bytes=1--2",
        "bytes=1-2-3",
        "bytes=+1-2",
        "bytes=1.5-2",
        "bytes=0x10-0x20",
        "bytes=1_0-2_0",  # int() would read these
        "bytes=\u0661-\u0662",  # Arabic-Indic digits: int() would read these too
        "bytes= 1-2",
        "bytes=1 -2",
        "items=0-1",
        "=0-1",
        "bytes=0-1\r\nX-Injected: 1",
        # Headers too long to be one range, e.g. more digits than int() reads, go unread.
        "bytes=" + "9" * 5000 + "-",
        "bytes=-" + "9" * 5000,
        "bytes=0-1" + " " * 300,
        # Several ranges: the whole file is sent (200), not multipart/byteranges.
        "bytes=0-0,-1",
        "bytes=0-1, 5-6",
        "bytes=0-1,2000-3000",
        "bytes=2000-3000,4000-5000",
        "bytes=0-1,",
        "bytes=,0-1",
    ],
)
def test_other_headers_are_ignored_and_the_whole_file_sent(header: str | None) -> None:
    assert parse_range(header, SIZE) is None


def test_ranges_of_a_one_byte_file() -> None:
    assert parse_range("bytes=0-0", 1) == (0, 0)
    assert parse_range("bytes=0-", 1) == (0, 0)
    assert parse_range("bytes=-1", 1) == (0, 0)
    assert parse_range("bytes=-2", 1) == (0, 0)
    with pytest.raises(RangeNotSatisfiable):
        parse_range("bytes=1-", 1)


def test_ranges_of_an_empty_file() -> None:
    with pytest.raises(RangeNotSatisfiable) as raised:
        parse_range("bytes=0-", 0)
    assert raised.value.size == 0
    with pytest.raises(RangeNotSatisfiable):
        parse_range("bytes=0-0", 0)
    with pytest.raises(RangeNotSatisfiable):
        parse_range("bytes=-0", 0)
    # The last 5 bytes of nothing: there is no part of it to send, so the whole (empty) file.
    assert parse_range("bytes=-5", 0) is None


SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def test_the_etag_is_the_sha256_quoted() -> None:
    assert etag_for(SHA) == f'"{SHA}"'


@pytest.mark.parametrize(
    "header",
    [
        f'"{SHA}"',
        f' "{SHA}" ',
        f'W/"{SHA}"',  # If-None-Match compares weakly
        "*",
        " * ",
        f'"other", "{SHA}"',
        f'"other",W/"{SHA}"',
        f'"a,b", "{SHA}"',  # a comma inside an entity-tag
        f'"other" ,\t"{SHA}"',
    ],
)
def test_if_none_match_matches(header: str) -> None:
    assert if_none_match(header, etag_for(SHA)) is True


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        '"other"',
        f'"{SHA[:-1]}"',
        SHA,  # unquoted
        f'"{SHA.upper()}"',  # entity-tags compare exactly
        f'w/"{SHA}"',  # W/ is case-sensitive
        f'"a,{SHA}"',
        f'"other" "{SHA}"',  # no comma between
        f'"other", {SHA}',
        f'"{SHA}',
        "**",
        f'*, "{SHA}"',
        f'"other", garbage, "{SHA}"',
    ],
)
def test_if_none_match_does_not_match(header: str | None) -> None:
    assert if_none_match(header, etag_for(SHA)) is False


def _parameters(header: str) -> dict[str, str]:
    kind, *parameters = header.split("; ")
    assert kind == "attachment"
    return dict(parameter.split("=", 1) for parameter in parameters)


def test_content_disposition_of_an_ascii_name() -> None:
    assert content_disposition("report.pdf") == (
        "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"
    )


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("résumé.pdf", "resume.pdf"),
        ("фото.jpg", "____.jpg"),
        ("写真 2024.png", "__ 2024.png"),
        ("😀.gif", "_.gif"),
        ('say "hi".png', "say _hi_.png"),
        ("back\\slash.png", "slash.png"),  # the path part goes first
        ("100%.pdf", "100_.pdf"),
        ("semi;colon=equals,comma.pdf", "semi;colon=equals,comma.pdf"),
    ],
)
def test_content_disposition_of_other_names(name: str, fallback: str) -> None:
    header = content_disposition(name)
    parameters = _parameters(header)
    assert parameters["filename"] == f'"{fallback}"'
    star = parameters["filename*"]
    assert star.startswith("UTF-8''")
    encoded = star.removeprefix("UTF-8''")
    assert unquote(encoded, errors="strict") == name.rpartition("\\")[2]
    # RFC 8187: only attr-chars stay unencoded.
    assert all(ch.isascii() and (ch.isalnum() or ch in "!#$&+-.^_`|~%") for ch in encoded)
    header.encode("ascii")


@pytest.mark.parametrize(
    "name",
    [
        "evil\r\nSet-Cookie: a=b.png",
        "nul\x00.png",
        "lone\ud800.png",
        "../../etc/passwd",
        "",
        "\u202eexe.png",
    ],
)
def test_content_disposition_of_hostile_names_is_one_clean_ascii_line(name: str) -> None:
    header = content_disposition(name)
    header.encode("ascii")
    assert not {"\r", "\n", "\x00", "/"} & set(header)
    parameters = _parameters(header)
    assert parameters["filename"].count('"') == 2
    assert unquote(parameters["filename*"].removeprefix("UTF-8''"))


def test_content_disposition_of_an_empty_name_falls_back() -> None:
    assert content_disposition("") == "attachment; filename=\"file\"; filename*=UTF-8''file"
