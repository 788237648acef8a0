"""Small real files of every media type, and hostile ones, made by the tests themselves."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

GPS_LATITUDE = (52.0, 31.0, 12.5)
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="52,31.2N"/></rdf:RDF></x:xmpmeta>'
)
SECRET = "secret-location-52.5N"


def _encoded(image: Image.Image, format: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=format, **options)
    return out.getvalue()


def two_colour_image(width: int = 40, height: int = 20) -> Image.Image:
    """Red on the left half, blue on the right, so a rotation shows where each half went."""
    image = Image.new("RGB", (width, height), (255, 0, 0))
    image.paste((0, 0, 255), (width // 2, 0, width, height))
    return image


def gps_exif(orientation: int = 1) -> Image.Exif:
    """EXIF with a camera, an orientation, a GPS position and a caption naming a secret."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestCam"
    exif[ExifTags.Base.ImageDescription] = SECRET
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 0.0)
    return exif


def png() -> bytes:
    """A plain 4x4 PNG."""
    return _encoded(Image.new("RGB", (4, 4), (10, 200, 30)), "PNG")


def jpeg() -> bytes:
    """A plain 4x4 JPEG."""
    return _encoded(Image.new("RGB", (4, 4), (10, 200, 30)), "JPEG")


def gif() -> bytes:
    """A plain 4x4 GIF."""
    return _encoded(Image.new("P", (4, 4), 1), "GIF")


def webp() -> bytes:
    """A plain 4x4 WebP."""
    return _encoded(Image.new("RGB", (4, 4), (10, 200, 30)), "WEBP")


def jpeg_with_gps(orientation: int = 6, icc_profile: bytes | None = None) -> bytes:
    """A 40x20 photo (red left, blue right) with GPS EXIF, an orientation and XMP."""
    options: dict[str, object] = {"exif": gps_exif(orientation), "xmp": XMP, "quality": 95}
    if icc_profile is not None:
        options["icc_profile"] = icc_profile
    options["comment"] = SECRET
    return _encoded(two_colour_image(), "JPEG", **options)


def png_with_metadata() -> bytes:
    """A PNG with tEXt, zTXt and iTXt chunks, XMP in iTXt and an eXIf chunk."""
    info = PngInfo()
    info.add_text("Comment", SECRET)
    info.add_text("Location", SECRET, zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    return _encoded(two_colour_image(), "PNG", pnginfo=info, exif=gps_exif(6))


def webp_with_metadata() -> bytes:
    """A WebP carrying EXIF (GPS, orientation) and XMP chunks."""
    return _encoded(two_colour_image(), "WEBP", exif=gps_exif(6), xmp=XMP, quality=95)


def animated_gif(frames: int = 3, size: tuple[int, int] = (8, 8)) -> bytes:
    """A looping GIF of `frames` different colours, 70 ms each, with a comment."""
    images = [Image.new("RGB", size, (80 * i % 256, 40, 200)) for i in range(frames)]
    return _encoded(
        images[0],
        "GIF",
        save_all=True,
        append_images=images[1:],
        duration=70,
        loop=0,
        comment=SECRET,
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A valid-looking PNG of a few hundred bytes whose header claims width x height pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def gif_declaring(width: int, height: int) -> bytes:
    """A tiny GIF whose logical screen and only frame claim width x height pixels."""
    screen = b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00"
    frame = b"\x2c" + struct.pack("<HHHH", 0, 0, width, height) + b"\x00"
    return screen + frame + b"\x02\x02\x44\x01\x00" + b"\x3b"


def pdf() -> bytes:
    """A minimal one-page PDF."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def mp3_with_id3() -> bytes:
    """An ID3v2.4 tag, then one MPEG-1 Layer III frame header (128 kbit/s, 44.1 kHz)."""
    return b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 + b"\xff\xfb\x90\x64" + b"\x00" * 60


def mp3_frames_only() -> bytes:
    """An MP3 without an ID3 tag: it starts with a frame header."""
    return b"\xff\xfb\x90\x64" + b"\x00" * 413


def mp4() -> bytes:
    """An ISO base media file: an `ftyp` box (isom, with iso2/avc1/mp41) and an empty `mdat`."""
    ftyp = b"ftyp" + b"isom" + b"\x00\x00\x02\x00" + b"isomiso2avc1mp41"
    return struct.pack(">I", 4 + len(ftyp)) + ftyp + b"\x00\x00\x00\x08mdat"


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    """An `ftyp` box with the given brands, then an empty `mdat` box."""
    body = b"ftyp" + major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", 4 + len(body)) + body + b"\x00\x00\x00\x08mdat"


def ebml(doc_type: bytes) -> bytes:
    """An EBML header with the given DocType, then the start of a Segment."""
    elements = (
        b"\x42\x86\x81\x01"  # EBMLVersion 1
        b"\x42\xf7\x81\x01"  # EBMLReadVersion 1
        b"\x42\xf2\x81\x04"  # EBMLMaxIDLength 4
        b"\x42\xf3\x81\x08"  # EBMLMaxSizeLength 8
        + b"\x42\x82"
        + bytes([0x80 | len(doc_type)])
        + doc_type
        + b"\x42\x87\x81\x04"  # DocTypeVersion 4
        b"\x42\x85\x81\x02"  # DocTypeReadVersion 2
    )
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(elements)]) + elements + b"\x18\x53\x80\x67"


def webm() -> bytes:
    """The start of a WebM file."""
    return ebml(b"webm")


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
