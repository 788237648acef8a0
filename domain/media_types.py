"""Which files may be uploaded: their type decided from the leading bytes, never from the
client's name or declared type, and the rule that turns a client's filename into a safe label."""

from __future__ import annotations

import re
import unicodedata

ALLOWED_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "audio/mpeg",
        "video/mp4",
        "video/webm",
    }
)
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
# Every signature below is decided within this many leading bytes (the longest look is an MP4's
# compatible brands and a WebM's DocType, both near the start of the file).
SNIFF_BYTES = 64

MAX_FILENAME_CHARS = 255
# Also at most 255 bytes of UTF-8, like a file name on most filesystems: percent-encoded (S3
# metadata is ASCII only) that is at most 765 bytes, inside S3's 2 KB of user metadata.
MAX_FILENAME_BYTES = 255
FALLBACK_FILENAME = "file"

_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "audio/mpeg": ".mp3",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
}

# ISO base media brands that mean an MP4 video; other ftyp files (HEIC, AVIF, QuickTime, 3GP)
# are different types the contract does not allow, so their brands decide against MP4.
_MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V "}
    | {b"dash", b"mmp4", b"msnv", b"f4v "}
)
_OTHER_FTYP_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
    | {b"avif", b"avis", b"miaf", b"qt  ", b"crx ", b"jp2 ", b"M4A ", b"M4B ", b"M4P "}
    | {b"3gp4", b"3gp5", b"3gp6", b"3g2a"}
)

# Characters a filename never keeps: bidirectional overrides and isolates (which make
# "evil\u202egnp.exe" read as "evilexe.png"), zero-width spaces and the BOM. Zero-width
# (non-)joiners stay: Persian, Indic scripts and emoji need them.
_KEPT_FORMAT_CHARS = frozenset({"\u200c", "\u200d"})
_PATH_SEPARATORS = re.compile(r"[/\\]")


def sniff_content_type(head: bytes) -> str | None:
    """The allowed type the file's first bytes show (up to SNIFF_BYTES), or None for anything
    else: SVG, HTML, text, an empty or truncated head, any other format."""
    head = head[:SNIFF_BYTES]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:15] == b"WEBPVP8":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if _is_mp3(head):
        return "audio/mpeg"
    if _is_mp4(head):
        return "video/mp4"
    if _is_webm(head):
        return "video/webm"
    return None


def _is_mp3(head: bytes) -> bool:
    if head[:3] == b"ID3":
        # ID3v2.2-2.4 tag: version, revision, flags, then a 28-bit "syncsafe" size.
        return len(head) >= 10 and head[3] in (2, 3, 4) and all(b < 0x80 for b in head[6:10])
    return _is_mpeg_audio_frame(head)


def _is_mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG audio Layer III frame header (an MP3 with no ID3 tag starts with one)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    sample_rate = (head[2] >> 2) & 0b11
    # version 01 is reserved, layer 01 is Layer III; bitrate 1111 and sample rate 11 are invalid.
    return version != 0b01 and layer == 0b01 and bitrate not in (0, 0xF) and sample_rate != 0b11


def _is_mp4(head: bytes) -> bool:
    if len(head) < 12 or head[4:8] != b"ftyp":
        return False
    box_size = int.from_bytes(head[:4], "big")
    if box_size < 16 or box_size % 4:
        return False
    major = head[8:12]
    if major in _OTHER_FTYP_BRANDS:
        return False
    if major in _MP4_BRANDS:
        return True
    # After the major brand and the minor version come the compatible brands.
    end = min(box_size, len(head))
    compatible = {head[i : i + 4] for i in range(16, end - 3, 4)}
    return bool(compatible & _MP4_BRANDS) and not compatible & _OTHER_FTYP_BRANDS


def _is_webm(head: bytes) -> bool:
    """An EBML header whose DocType is `webm` (Matroska's own `matroska` is not allowed)."""
    if head[:4] != b"\x1a\x45\xdf\xa3":
        return False
    at = head.find(b"\x42\x82", 4)
    while at != -1:
        length = _ebml_size(head, at + 2)
        if length is not None:
            width, size = length
            start = at + 2 + width
            if size == 4 and head[start : start + 4] == b"webm":
                return True
        at = head.find(b"\x42\x82", at + 1)
    return False


def _ebml_size(data: bytes, at: int) -> tuple[int, int] | None:
    """An EBML variable-length size at `at`: (its width in bytes, its value), or None."""
    if at >= len(data) or data[at] == 0:
        return None
    first = data[at]
    width = 8 - first.bit_length() + 1
    if at + width > len(data):
        return None
    value = first & (0xFF >> width)
    for byte in data[at + 1 : at + width]:
        value = (value << 8) | byte
    return width, value


def extension_for(content_type: str) -> str:
    """The usual extension of an allowed type, with its dot (`.png`); ValueError for others."""
    try:
        return _EXTENSIONS[content_type]
    except KeyError:
        raise ValueError(f"not an allowed media type: {content_type!r}") from None


def clean_filename(raw: str) -> str:
    """The client's filename made safe to keep and show: its last path component only, NFC,
    without control, format (bidi, zero-width) or surrogate characters, trimmed, at most 255
    characters and 255 UTF-8 bytes (the extension kept), and never empty (`file`)."""
    name = _PATH_SEPARATORS.split(raw)[-1]
    name = "".join(ch for ch in name if _kept(ch))
    name = unicodedata.normalize("NFC", name)
    # Normalising can't bring back a removed character, but it can compose new ones: check again.
    name = "".join(ch for ch in name if _kept(ch)).strip()
    name = _shorten(name)
    if not name.strip("."):
        return FALLBACK_FILENAME
    return name


def _kept(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category in ("Cc", "Cs", "Zl", "Zp"):
        return False
    return category != "Cf" or ch in _KEPT_FORMAT_CHARS


def _fits(text: str) -> bool:
    return len(text) <= MAX_FILENAME_CHARS and len(text.encode("utf-8")) <= MAX_FILENAME_BYTES


def _shorten(name: str) -> str:
    if _fits(name):
        return name
    stem, dot, suffix = name.rpartition(".")
    extension = dot + suffix
    # Keep a short extension (`.jpg`, `.tar.gz`'s `.gz`) and cut the stem; else cut the end.
    if not stem or len(extension) > 16:
        stem, extension = name, ""
    stem = stem[: MAX_FILENAME_CHARS - len(extension)]
    budget = MAX_FILENAME_BYTES - len(extension.encode("utf-8"))
    # Cut at a byte and drop the character it split.
    stem = stem.encode("utf-8")[:budget].decode("utf-8", "ignore")
    return (stem.rstrip() + extension).strip()
