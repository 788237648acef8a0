"""The streaming multipart reader: any chunking, other fields, filenames, and hostile bodies."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable

import pytest

from domain.errors import PayloadTooLarge, ValidationFailed
from entrypoints.http.media_support.multipart import (
    MAX_HEADER_BYTES,
    MAX_OTHER_BYTES,
    FilePart,
    read_file_field,
)

BOUNDARY = "----hexashopBoundary7MA4YWxkTrZu0gW"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
# Random bytes with lines that look like boundaries, so the parser has something to refuse.
PAYLOAD = (
    os.urandom(70_000)
    + b"\r\n--"
    + BOUNDARY[:-1].encode()
    + b"\r\n--\r\n"
    + os.urandom(70_001)
    + b"\r\n"
)


def part(name: str, value: bytes, *, filename: str | None = None, headers: str = "") -> bytes:
    """One form part, its Content-Disposition written as browsers do."""
    disposition = f'form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n{headers}\r\n"
    return head.encode() + value + b"\r\n"


def raw_part(head: str, value: bytes) -> bytes:
    """A part with its header lines written out by the test."""
    return f"--{BOUNDARY}\r\n{head}\r\n\r\n".encode() + value + b"\r\n"


END = f"--{BOUNDARY}--\r\n".encode()


def form(*parts: bytes, preamble: bytes = b"", epilogue: bytes = b"") -> bytes:
    """A whole multipart body."""
    body = preamble + b"".join(parts) + END + epilogue
    return body


def file_part(value: bytes = PAYLOAD, filename: str = "photo.png", **kw: str) -> bytes:
    """The `file` field as a browser sends it."""
    return part("file", value, filename=filename, headers="Content-Type: image/png\r\n", **kw)


class Body:
    """A request body fed in pieces of a given size; counts what has been read."""

    def __init__(self, data: bytes, piece: int = 65536, *, then: Iterable[bytes] = ()) -> None:
        self.data = data
        self.piece = piece
        self.then = then
        self.read = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.data), self.piece):
            chunk = self.data[start : start + self.piece]
            self.read += len(chunk)
            yield chunk
        for chunk in self.then:
            self.read += len(chunk)
            yield chunk


def forever(chunk: bytes) -> Iterable[bytes]:
    """An endless body: a client that never stops sending."""
    while True:
        yield chunk


async def read(body: Body | AsyncIterator[bytes], content_type: str = CONTENT_TYPE, **kw: int):
    """The part and all its bytes."""
    source = aiter(body) if isinstance(body, Body) else body
    file = await read_file_field(source, content_type, **kw)
    return file, b"".join([chunk async for chunk in file.chunks])


def assert_invalid(raised: pytest.ExceptionInfo[ValidationFailed], field: str = "file") -> None:
    assert [error.field for error in raised.value.errors] == [field]


@pytest.mark.parametrize("piece", [1, 2, 7, 13, 1000, 65536, 10**7])
async def test_the_file_is_read_whatever_the_pieces(piece: int) -> None:
    body = form(part("title", b"holiday"), file_part(), part("alt", b"the sea"), preamble=b"hi\r\n")
    file, data = await read(Body(body, piece))
    assert data == PAYLOAD
    assert file.filename == "photo.png"
    assert file.declared_type == "image/png"


async def test_empty_pieces_are_skipped() -> None:
    body = form(file_part(b"abc"))

    async def with_empty_pieces() -> AsyncIterator[bytes]:
        for byte in body:
            yield b""
            yield bytes([byte])

    _, data = await read(with_empty_pieces())
    assert data == b"abc"


async def test_the_bytes_are_streamed_as_they_arrive() -> None:
    body = Body(form(file_part()), piece=4096)
    file = await read_file_field(aiter(body), CONTENT_TYPE)
    assert body.read < 8192
    first = await anext(file.chunks)
    assert first and PAYLOAD.startswith(first)
    assert body.read < 3 * 4096
    rest = b"".join([chunk async for chunk in file.chunks])
    assert first + rest == PAYLOAD
    assert body.read == len(body.data)


async def test_an_empty_file_has_no_bytes() -> None:
    file, data = await read(Body(form(file_part(b"", filename="empty.png"))))
    assert (file.filename, data) == ("empty.png", b"")


async def test_the_field_may_have_another_name() -> None:
    body = form(file_part(b"not me"), part("upload", b"me", filename="u.pdf"))
    file = await read_file_field(aiter(Body(body)), CONTENT_TYPE, field="upload")
    assert file.filename == "u.pdf"
    assert b"".join([c async for c in file.chunks]) == b"me"


@pytest.mark.parametrize(
    ("disposition", "filename"),
    [
        ('form-data; name="file"; filename="plain.png"', "plain.png"),
        ("form-data; name=file; filename=token.png", "token.png"),
        ('form-data; name="file"; filename="say %22hi%22.png"', 'say "hi".png'),  # HTML5
        ('form-data; name="file"; filename="say \\"hi\\".png"', 'say "hi".png'),  # legacy
        ('form-data; name="file"; filename="фото відпустка.jpg"', "фото відпустка.jpg"),
        ('form-data; name="file"; filename="写真😀.png"', "写真😀.png"),
        (
            'form-data; name="file"; filename="fallback.jpg"; filename*=UTF-8\'\'%D1%84%D0%BE'
            "%D1%82%D0%BE.jpg",
            "фото.jpg",
        ),
        ("form-data; name=\"file\"; filename*=utf-8''%E2%82%AC%20rate.pdf", "€ rate.pdf"),
        ("form-data; name=\"file\"; filename*=ISO-8859-1'en'%A3%20rate.pdf", "£ rate.pdf"),
        ('form-data; name="file"; filename="ok.png"; filename*=KOI8-R\'\'%C6.png', "ok.png"),
        ('form-data; name="file"; filename="ok.png"; filename*=garbage', "ok.png"),
        ("form-data; name=\"file\"; filename*=UTF-8''bad%FFbyte.png", "bad\ufffdbyte.png"),
        ('form-data; name="file"; filename="C:\\fakepath\\shot.png"', "shot.png"),
        ('form-data; name="file"; filename="../../../etc/passwd"', "passwd"),
        ("form-data; name=\"file\"; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd", "passwd"),
        ('form-data; name="file"; filename="a%0D%0AX-Evil: 1.png"', "aX-Evil: 1.png"),
        ('form-data; name="file"; filename="evil\u202egnp.exe"', "evilgnp.exe"),
        ('form-data; name="file"; filename="%00.png"', "%00.png"),
        ('form-data; name="file"; filename=""', "file"),
        ('form-data; name="file"; filename=".."', "file"),
        ('form-data; name="file"', "file"),
    ],
)
async def test_filenames(disposition: str, filename: str) -> None:
    body = form(raw_part(f"Content-Disposition: {disposition}", b"x"))
    file, data = await read(Body(body, 5))
    assert (file.filename, data) == (filename, b"x")


async def test_a_1000_character_filename_is_cut_to_255() -> None:
    name = "é" * 1000 + ".png"
    file, _ = await read(Body(form(file_part(b"x", filename=name))))
    assert file.filename.endswith(".png")
    assert len(file.filename.encode()) <= 255


@pytest.mark.parametrize(
    ("header", "declared"),
    [
        ("Content-Type: image/png", "image/png"),
        ("Content-Type: IMAGE/PNG; charset=binary", "image/png"),
        ("Content-Type: text/plain", "text/plain"),
        ("Content-Type: image/svg+xml", "image/svg+xml"),
        ("Content-Type: <script>", None),
        ("Content-Type: image/png<script>/x", None),
        ("Content-Type: ", None),
        ("X-Other: 1", None),
    ],
)
async def test_the_declared_type_is_reported_when_it_looks_like_one(
    header: str, declared: str | None
) -> None:
    head = f'Content-Disposition: form-data; name="file"; filename="f"\r\n{header}'
    file, _ = await read(Body(form(raw_part(head, b"x"))))
    assert file.declared_type == declared


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        'multipart/form-data; boundary=""',
        "multipart/form-data; charset=utf-8",
        "multipart/form-data; boundary=" + "b" * 71,
        "multipart/mixed; boundary=" + BOUNDARY,
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain; boundary=" + BOUNDARY,
        "",
    ],
)
async def test_no_multipart_form_data_boundary_is_a_400_naming_the_field(
    content_type: str,
) -> None:
    body = Body(form(file_part(b"x")))
    with pytest.raises(ValidationFailed) as raised:
        await read(body, content_type)
    assert_invalid(raised)
    assert body.read == 0


async def test_a_quoted_boundary_and_upper_case_type_are_fine() -> None:
    content_type = f'Multipart/Form-Data; charset=utf-8; boundary="{BOUNDARY}"'
    _, data = await read(Body(form(file_part(b"x"))), content_type)
    assert data == b"x"


async def test_a_body_without_the_field_is_a_400_naming_it() -> None:
    body = form(part("title", b"t"), part("other", b"o", filename="o.png"))
    with pytest.raises(ValidationFailed) as raised:
        await read(Body(body, 3))
    assert_invalid(raised)
    with pytest.raises(ValidationFailed) as raised:
        await read_file_field(aiter(Body(body)), CONTENT_TYPE, field="upload")
    assert_invalid(raised, "upload")


async def test_a_body_with_another_boundary_has_no_field() -> None:
    with pytest.raises(ValidationFailed) as raised:
        await read(Body(form(file_part(b"x"))), "multipart/form-data; boundary=other")
    assert_invalid(raised)


async def test_an_empty_body_is_a_400() -> None:
    with pytest.raises(ValidationFailed) as raised:
        await read(Body(b""))
    assert_invalid(raised)


async def test_two_file_fields_are_a_400() -> None:
    file = await read_file_field(aiter(Body(form(file_part(b"a"), file_part(b"b")))), CONTENT_TYPE)
    with pytest.raises(ValidationFailed) as raised:
        _ = [chunk async for chunk in file.chunks]
    assert_invalid(raised)


WHOLE = form(file_part())
FILE_START = WHOLE.index(PAYLOAD)


@pytest.mark.parametrize(
    "cut",
    [
        FILE_START + 1,
        FILE_START + 10,
        FILE_START + len(PAYLOAD) // 2,
        FILE_START + len(PAYLOAD),  # every byte of the file, but no boundary after it
        FILE_START + len(PAYLOAD) + 2 + len(BOUNDARY),  # "--boundary" and no more
        len(WHOLE) - 3,  # the closing "--" cut in half
    ],
)
async def test_a_body_cut_short_in_or_after_the_file_fails_its_stream(cut: int) -> None:
    file = await read_file_field(aiter(Body(WHOLE[:cut], 4096)), CONTENT_TYPE)
    received = bytearray()
    with pytest.raises(ValidationFailed) as raised:
        async for chunk in file.chunks:
            received += chunk
    assert_invalid(raised)
    assert PAYLOAD.startswith(bytes(received))


async def test_a_body_without_the_last_line_break_is_complete() -> None:
    _, data = await read(Body(WHOLE[:-2]))
    assert data == PAYLOAD


async def test_a_body_cut_short_in_the_headers_is_a_400() -> None:
    whole = form(file_part(b"x"))
    with pytest.raises(ValidationFailed) as raised:
        await read(Body(whole[: whole.index(b"Content-Type")]))
    assert_invalid(raised)


async def test_a_header_line_that_never_ends_is_refused_after_a_bounded_read() -> None:
    start = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="'.encode()
    body = Body(start, then=forever(b"a" * 1024))
    with pytest.raises(ValidationFailed) as raised:
        await read(body)
    assert_invalid(raised)
    assert body.read <= MAX_HEADER_BYTES + 2 * 1024 + len(start)


async def test_a_long_header_line_within_the_bound_is_fine() -> None:
    name = "写" * 3000  # 9,000 bytes of UTF-8 in one header line
    file, _ = await read(Body(form(file_part(b"x", filename=name)), 100))
    assert file.filename.startswith("写")


async def test_too_many_headers_in_a_part_are_refused() -> None:
    head = 'Content-Disposition: form-data; name="file"; filename="f"' + "\r\nX-A: 1" * 20
    with pytest.raises(ValidationFailed):
        await read(Body(form(raw_part(head, b"x"))))


async def test_a_preamble_that_never_ends_is_refused_after_a_bounded_read() -> None:
    body = Body(b"", then=forever(b"p" * 1000))
    with pytest.raises(ValidationFailed) as raised:
        await read(body)
    assert_invalid(raised)
    assert body.read <= MAX_OTHER_BYTES + 1000


async def test_another_field_that_never_ends_is_refused_after_a_bounded_read() -> None:
    start = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\n'.encode()
    body = Body(start, then=forever(b"t" * 1000))
    with pytest.raises(ValidationFailed) as raised:
        await read(body)
    assert_invalid(raised)
    assert body.read <= MAX_OTHER_BYTES + 1000 + len(start)


async def test_what_follows_the_file_is_bounded_too() -> None:
    body = Body(form(file_part(b"x")), then=forever(b"e" * 1000))
    file = await read_file_field(aiter(body), CONTENT_TYPE)
    with pytest.raises(ValidationFailed):
        _ = [chunk async for chunk in file.chunks]
    assert body.read <= len(body.data) + MAX_OTHER_BYTES + 1000


async def test_other_fields_and_an_epilogue_within_the_bound_are_skipped() -> None:
    fields = [part(f"f{i}", b"v" * 1000) for i in range(10)]
    body = form(*fields[:5], file_part(b"x"), *fields[5:], epilogue=b"bye" * 100)
    _, data = await read(Body(body, 333))
    assert data == b"x"


async def test_the_bound_on_other_bytes_may_be_set() -> None:
    body = form(part("title", b"t" * 200), file_part(b"x"))
    with pytest.raises(ValidationFailed):
        await read(Body(body), max_other_bytes=100)
    _, data = await read(Body(body), max_other_bytes=300)
    assert data == b"x"


async def test_too_many_parts_are_refused() -> None:
    body = form(*[part(f"f{i}", b"v") for i in range(40)], file_part(b"x"))
    with pytest.raises(ValidationFailed):
        await read(Body(body))


@pytest.mark.parametrize(
    "body",
    [
        # LF line ends
        form(file_part(b"x")).replace(b"\r\n", b"\n"),
        # A part that is not form-data
        form(raw_part('Content-Disposition: attachment; name="file"', b"x")),
        # No Content-Disposition at all
        form(raw_part("Content-Type: image/png", b"x")),
        # A header line without a colon
        form(raw_part('Content-Disposition: form-data; name="file"\r\nnonsense', b"x")),
        # Header bytes that are not UTF-8
        form(raw_part('Content-Disposition: form-data; name="file"', b"x")).replace(
            b'name="file"', b'name="file"; filename="\xff\xfe"'
        ),
        # Garbage right after the boundary
        f"--{BOUNDARY}garbage\r\n".encode() + form(file_part(b"x")),
    ],
)
async def test_malformed_bodies_are_a_400_naming_the_field(body: bytes) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await read(Body(body, 7))
    assert_invalid(raised)


async def test_a_file_over_the_limit_fails_as_soon_as_it_passes_it() -> None:
    body = Body(form(file_part()), piece=1024)
    file = await read_file_field(aiter(body), CONTENT_TYPE, max_file_bytes=10_000)
    received = 0
    with pytest.raises(PayloadTooLarge):
        async for chunk in file.chunks:
            received += len(chunk)
    assert received <= 10_000
    assert body.read < 10_000 + 2048 + 200


@pytest.mark.parametrize(("size", "limit"), [(100, 100), (0, 0), (99, 100)])
async def test_a_file_at_the_limit_is_read(size: int, limit: int) -> None:
    _, data = await read(Body(form(file_part(b"z" * size)), 7), max_file_bytes=limit)
    assert data == b"z" * size


async def test_one_byte_over_the_limit_is_too_large() -> None:
    file = await read_file_field(
        aiter(Body(form(file_part(b"z" * 101)), 7)), CONTENT_TYPE, max_file_bytes=100
    )
    with pytest.raises(PayloadTooLarge):
        _ = [chunk async for chunk in file.chunks]


class ClientGone(Exception):
    pass


async def test_a_client_that_goes_away_mid_file_fails_the_stream_with_its_own_error() -> None:
    data = form(file_part())

    async def disconnecting() -> AsyncIterator[bytes]:
        yield data[:50_000]
        raise ClientGone

    file = await read_file_field(disconnecting(), CONTENT_TYPE)
    with pytest.raises(ClientGone):
        _ = [chunk async for chunk in file.chunks]


async def test_closing_the_stream_early_stops_reading_the_body() -> None:
    body = Body(form(file_part()), piece=1024)
    file: FilePart = await read_file_field(aiter(body), CONTENT_TYPE)
    await anext(file.chunks)
    await file.chunks.aclose()  # type: ignore[attr-defined]
    read_so_far = body.read
    assert read_so_far < len(body.data)
    with pytest.raises(StopAsyncIteration):
        await anext(file.chunks)
    assert body.read == read_so_far
