"""Sniffing the allowed types from their bytes, and the filename rule, on hostile input too."""

from __future__ import annotations

import pytest

from domain.media_types import (
    ALLOWED_TYPES,
    IMAGE_TYPES,
    SNIFF_BYTES,
    clean_filename,
    extension_for,
    sniff_content_type,
)
from tests.support import media_samples as samples

REAL_FILES = {
    "image/png": samples.png(),
    "image/jpeg": samples.jpeg(),
    "image/gif": samples.gif(),
    "image/webp": samples.webp(),
    "application/pdf": samples.pdf(),
    "audio/mpeg": samples.mp3_with_id3(),
    "video/mp4": samples.mp4(),
    "video/webm": samples.webm(),
}


def test_the_allowed_types_are_the_contracts_and_images_are_among_them() -> None:
    assert set(REAL_FILES) == ALLOWED_TYPES
    assert {"image/png", "image/jpeg", "image/gif", "image/webp"} == IMAGE_TYPES
    assert IMAGE_TYPES <= ALLOWED_TYPES


@pytest.mark.parametrize("content_type", sorted(REAL_FILES))
def test_every_allowed_type_is_sniffed_from_a_real_file(content_type: str) -> None:
    assert sniff_content_type(REAL_FILES[content_type]) == content_type


@pytest.mark.parametrize("content_type", sorted(REAL_FILES))
def test_the_first_sniff_bytes_are_enough(content_type: str) -> None:
    assert sniff_content_type(REAL_FILES[content_type][:SNIFF_BYTES]) == content_type


@pytest.mark.parametrize(
    "data",
    [
        samples.jpeg_with_gps(),
        samples.png_with_metadata(),
        samples.webp_with_metadata(),
        samples.animated_gif(),
    ],
)
def test_images_with_metadata_are_sniffed_too(data: bytes) -> None:
    assert sniff_content_type(data) in IMAGE_TYPES


def test_an_mp3_without_an_id3_tag_is_sniffed_from_its_first_frame() -> None:
    assert sniff_content_type(samples.mp3_frames_only()) == "audio/mpeg"


@pytest.mark.parametrize(
    "brands",
    [(b"mp42", b"mp42", b"isom"), (b"M4V ", b"M4V "), (b"dash", b"iso6"), (b"XYZW", b"mp41")],
)
def test_mp4_brands_are_video(brands: tuple[bytes, ...]) -> None:
    assert sniff_content_type(samples.ftyp(*brands)) == "video/mp4"


@pytest.mark.parametrize(
    "brands",
    [
        (b"heic", b"mif1", b"heic"),  # an iPhone photo
        (b"avif", b"avif", b"mif1", b"miaf"),
        (b"qt  ", b"qt  "),  # QuickTime
        (b"M4A ", b"M4A ", b"mp42", b"isom"),  # audio only
        (b"3gp4", b"isom"),
        (b"XYZW", b"mif1", b"mp41"),
        (b"XYZW", b"ABCD"),
    ],
)
def test_other_iso_media_files_are_not_mp4(brands: tuple[bytes, ...]) -> None:
    assert sniff_content_type(samples.ftyp(*brands)) is None


def test_matroska_is_not_webm() -> None:
    assert sniff_content_type(samples.ebml(b"matroska")) is None


@pytest.mark.parametrize(
    "data",
    [
        samples.SVG,
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"  \n\t<svg></svg>",
        samples.HTML,
        b"<html><body>hi</body></html>",
        b"   \r\n<!doctype html><p>",
        b"\xef\xbb\xbf<!DOCTYPE html><html>",  # UTF-8 BOM first
        b"\xef\xbb\xbf  \n<html>",
        b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00",  # UTF-16 LE
        b"hello, this is plain text\n",
        b"%!PS-Adobe-3.0\n",
        b"PK\x03\x04\x14\x00\x00\x00",  # zip, docx
        b"MZ\x90\x00\x03\x00",  # Windows executable
        b"\x7fELF\x02\x01\x01",
        b"BM6\x00\x00\x00",  # BMP: an image, but not one the contract allows
        b"II*\x00\x08\x00\x00\x00",  # TIFF
        b"\x00\x00\x01\x00\x01\x00",  # ICO
        b"OggS\x00\x02",
        b"RIFF\x24\x00\x00\x00WAVEfmt ",  # WAV is RIFF too
        b"\x00" * 64,
        b"\xff" * 64,
    ],
)
def test_anything_else_is_refused(data: bytes) -> None:
    assert sniff_content_type(data) is None


def test_html_hidden_past_the_sniffed_bytes_does_not_change_the_answer() -> None:
    assert sniff_content_type(b"GIF89a" + b"<script>" * 100) == "image/gif"
    assert sniff_content_type(b" " * SNIFF_BYTES + b"\x89PNG\r\n\x1a\n") is None


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"\x89",
        b"\x89PNG",
        b"\x89PNG\r\n\x1a",
        b"\xff\xd8",
        b"GIF8",
        b"GIF89",
        b"GIF90a",
        b"RIFF",
        b"RIFF\x00\x00\x00\x00WEBP",  # no VP8 chunk
        b"RIFF\x00\x00\x00\x00WEBPVP",
        b"%PDF",
        b"ID3",
        b"ID3\x04\x00\x00\x00\x00\x00",  # the tag's size cut short
        b"ID3\x04\x00\x00\x80\x00\x00\x00",  # not a syncsafe size
        b"ID3\x07\x00\x00\x00\x00\x00\x00",  # no such ID3 version
        b"\xff\xfb\x90",
        b"\xff\xfb\xf0\x64",  # bitrate index 15 is invalid
        b"\xff\xfb\x9c\x64",  # sample-rate index 3 is invalid
        b"\xff\xf1\x50\x80",  # AAC in ADTS (layer 00) is not MP3
        b"\x00\x00\x00\x18ftyp",
        b"\x00\x00\x00\x18ftypiso",
        b"\x00\x00\x00\x07ftypisom\x00\x00\x00\x00",  # a box smaller than its header
        b"\x1a\x45\xdf\xa3",
        b"\x1a\x45\xdf\xa3\x93\x42\x82\x84web",
        b"\x1a\x45\xdf\xa3\x93\x42\x82",
        b"\x1a\x45\xdf\xa3\x93\x42\x82\x00webm",  # an invalid EBML size
    ],
)
def test_truncated_or_broken_heads_are_refused(head: bytes) -> None:
    assert sniff_content_type(head) is None


@pytest.mark.parametrize(
    ("content_type", "extension"),
    [
        ("image/png", ".png"),
        ("image/jpeg", ".jpg"),
        ("image/gif", ".gif"),
        ("image/webp", ".webp"),
        ("application/pdf", ".pdf"),
        ("audio/mpeg", ".mp3"),
        ("video/mp4", ".mp4"),
        ("video/webm", ".webm"),
    ],
)
def test_each_allowed_type_has_its_extension(content_type: str, extension: str) -> None:
    assert extension_for(content_type) == extension


@pytest.mark.parametrize("content_type", ["image/svg+xml", "text/html", "", "IMAGE/PNG"])
def test_no_extension_for_other_types(content_type: str) -> None:
    with pytest.raises(ValueError):
        extension_for(content_type)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("photo.jpg", "photo.jpg"),
        ("  photo.jpg \t", "photo.jpg"),
        ("/etc/passwd", "passwd"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\evil.dll", "evil.dll"),
        ("C:\\Users\\ana\\Pictures\\beach.png", "beach.png"),
        ("folder/", "file"),
        ("..", "file"),
        (".", "file"),
        ("...", "file"),
        ("../..", "file"),
        ("", "file"),
        ("   ", "file"),
        ("\x00", "file"),
        ("a\x00b.png", "ab.png"),
        ("line\r\nbreak.png", "linebreak.png"),
        ("tab\there.png", "tabhere.png"),
        ("del\x7f\x1b[31m.png", "del[31m.png"),
        ("bell\x07\x85.png", "bell.png"),
        ("evil\u202egnp.exe", "evilgnp.exe"),  # RIGHT-TO-LEFT OVERRIDE
        ("\u2066a\u2069\u200e\u200f\u061c.pdf", "a.pdf"),  # isolates and marks
        ("zero\u200bwidth\u2060\ufeff.png", "zerowidth.png"),
        ("\u200b\ufeff", "file"),
        ("sep\u2028ar\u2029ated.png", "separated.png"),
        ("half\ud800surrogate\udfff.png", "halfsurrogate.png"),
        (".hidden", ".hidden"),
        ("résumé.pdf", "résumé.pdf"),
        ("e\u0301t\u00e9.pdf", "\u00e9t\u00e9.pdf"),  # NFD as macOS sends it, made NFC
        ("фото з відпустки.jpg", "фото з відпустки.jpg"),
        ("写真.png", "写真.png"),
        # Persian (zan-ha) keeps its zero-width non-joiner.
        ("\u0632\u0646\u200c\u0647\u0627.png", "\u0632\u0646\u200c\u0647\u0627.png"),
        ("👩\u200d💻.gif", "👩\u200d💻.gif"),  # an emoji sequence keeps its joiner
    ],
)
def test_clean_filename(raw: str, clean: str) -> None:
    assert clean_filename(raw) == clean


def test_a_long_name_keeps_its_extension_within_255_characters() -> None:
    cleaned = clean_filename("x" * 1000 + ".jpeg")
    assert len(cleaned) == 255
    assert cleaned == "x" * 250 + ".jpeg"


def test_a_long_name_without_an_extension_is_cut() -> None:
    assert clean_filename("y" * 1000) == "y" * 255
    long_suffix = "a." + "b" * 998
    assert clean_filename(long_suffix) == long_suffix[:255]


@pytest.mark.parametrize("letter", ["é", "写", "😀"])
def test_a_long_non_ascii_name_fits_255_bytes_of_utf8(letter: str) -> None:
    cleaned = clean_filename(letter * 1000 + ".png")
    assert cleaned.endswith(".png")
    assert set(cleaned.removesuffix(".png")) == {letter}
    assert len(cleaned) <= 255
    assert len(cleaned.encode("utf-8")) <= 255
    assert len((letter + cleaned).encode("utf-8")) > 255  # as long as it can be


@pytest.mark.parametrize(
    "raw",
    [
        "a/b\\c\x00d\u202e.png",
        "x" * 1000,
        "é" * 300,
        "../" * 400 + "z",
        "\x00" * 1000,
        " . " * 100,
        "name" + "\u0301" * 300,
    ],
)
def test_clean_filename_is_idempotent_bounded_and_never_empty(raw: str) -> None:
    cleaned = clean_filename(raw)
    assert cleaned
    assert clean_filename(cleaned) == cleaned
    assert len(cleaned) <= 255 and len(cleaned.encode("utf-8")) <= 255
    assert not {"/", "\\", "\x00"} & set(cleaned)
    cleaned.encode("utf-8")  # no lone surrogate left
