"""The Pillow image cleaner: orientation applied, metadata gone, bombs and garbage rejected."""

from __future__ import annotations

import io
from pathlib import Path

import anyio
import pytest
from PIL import Image, ImageCms

from adapters.pillow_images import PillowImageCleaner
from application.media.ports import CleanedImage, ImageRejected
from tests.support import media_samples as samples

LIMIT = 40_000_000


@pytest.fixture
def cleaner() -> PillowImageCleaner:
    return PillowImageCleaner(max_pixels=LIMIT)


async def clean(
    cleaner: PillowImageCleaner, tmp_path: Path, data: bytes, content_type: str
) -> tuple[CleanedImage, bytes]:
    source = tmp_path / "upload"
    source.write_bytes(data)
    cleaned = await cleaner.clean(source, content_type, tmp_path / "cleaned")
    return cleaned, cleaned.path.read_bytes()


def assert_no_metadata(data: bytes) -> None:
    """None of the EXIF, GPS, XMP or caption bytes survive, in any chunk or segment."""
    for marker in (b"Exif\x00\x00", b"TestCam", samples.SECRET.encode(), b"xmpmeta", b"adobe"):
        assert marker not in data
    image = Image.open(io.BytesIO(data))
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(0x8825) == {}  # GPS
    assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment", "Comment", "Location"} & set(
        image.info
    )


def is_red(pixel: tuple[int, ...]) -> bool:
    return pixel[0] > 200 and pixel[1] < 60 and pixel[2] < 60


def is_blue(pixel: tuple[int, ...]) -> bool:
    return pixel[0] < 60 and pixel[1] < 60 and pixel[2] > 200


def test_the_sample_really_carries_gps_and_an_orientation() -> None:
    image = Image.open(io.BytesIO(samples.jpeg_with_gps()))
    exif = image.getexif()
    assert exif[0x0112] == 6
    assert exif.get_ifd(0x8825)[2] == samples.GPS_LATITUDE
    assert "xmp" in image.info


async def test_a_jpeg_loses_gps_and_exif_and_comes_out_rotated(
    cleaner: PillowImageCleaner, tmp_path: Path
) -> None:
    cleaned, data = await clean(cleaner, tmp_path, samples.jpeg_with_gps(6), "image/jpeg")
    assert_no_metadata(data)
    # Orientation 6: shown turned 90 degrees clockwise, so the left (red) half is on top.
    assert (cleaned.width, cleaned.height) == (20, 40)
    assert cleaned.content_type == "image/jpeg"
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.size == (20, 40)
    assert is_red(image.convert("RGB").getpixel((10, 5)))
    assert is_blue(image.convert("RGB").getpixel((10, 35)))


@pytest.mark.parametrize(
    ("orientation", "size", "top_left_red"),
    [(1, (40, 20), True), (3, (40, 20), False), (8, (20, 40), False), (2, (40, 20), False)],
)
async def test_every_orientation_is_applied(
    cleaner: PillowImageCleaner,
    tmp_path: Path,
    orientation: int,
    size: tuple[int, int],
    top_left_red: bool,
) -> None:
    cleaned, data = await clean(cleaner, tmp_path, samples.jpeg_with_gps(orientation), "image/jpeg")
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.size == size == (cleaned.width, cleaned.height)
    assert is_red(image.getpixel((2, 2))) is top_left_red
    assert_no_metadata(data)


async def test_the_icc_profile_is_kept(cleaner: PillowImageCleaner, tmp_path: Path) -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    _, data = await clean(
        cleaner, tmp_path, samples.jpeg_with_gps(6, icc_profile=profile), "image/jpeg"
    )
    assert Image.open(io.BytesIO(data)).info.get("icc_profile") == profile
    assert_no_metadata(data)


async def test_a_png_loses_its_text_chunks_xmp_and_exif(
    cleaner: PillowImageCleaner, tmp_path: Path
) -> None:
    source = samples.png_with_metadata()
    assert b"tEXt" in source and b"zTXt" in source and b"iTXt" in source and b"eXIf" in source
    cleaned, data = await clean(cleaner, tmp_path, source, "image/png")
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf"):
        assert chunk not in data
    assert_no_metadata(data)
    assert Image.open(io.BytesIO(data)).format == "PNG"
    assert (cleaned.width, cleaned.height) == (20, 40)  # its EXIF said orientation 6


async def test_a_png_keeps_its_transparency(cleaner: PillowImageCleaner, tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGBA", (3, 3), (1, 2, 3, 0)).save(out, format="PNG")
    _, data = await clean(cleaner, tmp_path, out.getvalue(), "image/png")
    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGBA"
    assert image.getpixel((1, 1))[3] == 0


async def test_a_webp_loses_exif_and_xmp(cleaner: PillowImageCleaner, tmp_path: Path) -> None:
    source = samples.webp_with_metadata()
    assert b"EXIF" in source and b"XMP " in source
    cleaned, data = await clean(cleaner, tmp_path, source, "image/webp")
    assert b"EXIF" not in data and b"XMP " not in data
    assert_no_metadata(data)
    assert Image.open(io.BytesIO(data)).format == "WEBP"
    assert (cleaned.width, cleaned.height) == (20, 40)


async def test_an_animated_gif_stays_animated_without_its_comment(
    cleaner: PillowImageCleaner, tmp_path: Path
) -> None:
    source = samples.animated_gif(frames=3)
    assert samples.SECRET.encode() in source
    cleaned, data = await clean(cleaner, tmp_path, source, "image/gif")
    assert samples.SECRET.encode() not in data
    image = Image.open(io.BytesIO(data))
    assert image.format == "GIF"
    assert image.n_frames == 3
    assert image.info.get("loop") == 0
    assert image.info.get("duration") == 70
    assert "comment" not in image.info
    assert (cleaned.width, cleaned.height) == (8, 8)


async def test_a_still_gif_is_cleaned(cleaner: PillowImageCleaner, tmp_path: Path) -> None:
    cleaned, data = await clean(cleaner, tmp_path, samples.gif(), "image/gif")
    assert Image.open(io.BytesIO(data)).format == "GIF"
    assert (cleaned.width, cleaned.height) == (4, 4)


@pytest.mark.parametrize(
    "bomb",
    [
        samples.png_declaring(8_000, 8_000),  # over this limit, under Pillow's own
        samples.gif_declaring(8_000, 8_000),
        samples.png_declaring(100_000, 100_000),  # over Pillow's own too
        samples.gif_declaring(65_535, 65_535),
    ],
)
async def test_a_pixel_bomb_is_rejected(
    cleaner: PillowImageCleaner, tmp_path: Path, bomb: bytes
) -> None:
    assert len(bomb) < 2000
    content_type = "image/png" if bomb.startswith(b"\x89PNG") else "image/gif"
    with pytest.raises(ImageRejected, match="more pixels than the limit"):
        await clean(cleaner, tmp_path, bomb, content_type)
    assert not (tmp_path / "cleaned").exists()


async def test_the_instances_limit_is_its_own(tmp_path: Path) -> None:
    before = Image.MAX_IMAGE_PIXELS
    small = PillowImageCleaner(max_pixels=99)
    large = PillowImageCleaner(max_pixels=100)
    ten_by_ten = samples.png_declaring(10, 10)
    cleaned, _ = await clean(large, tmp_path, ten_by_ten, "image/png")
    assert (cleaned.width, cleaned.height) == (10, 10)
    with pytest.raises(ImageRejected, match="more pixels"):
        await clean(small, tmp_path, ten_by_ten, "image/png")
    cleaned, _ = await clean(large, tmp_path, ten_by_ten, "image/png")
    assert (cleaned.width, cleaned.height) == (10, 10)
    assert before == Image.MAX_IMAGE_PIXELS


async def test_an_animation_over_the_pixel_budget_is_rejected(tmp_path: Path) -> None:
    source = samples.animated_gif(frames=4, size=(10, 10))
    with pytest.raises(ImageRejected):
        await clean(PillowImageCleaner(max_pixels=350), tmp_path, source, "image/gif")
    cleaned, _ = await clean(PillowImageCleaner(max_pixels=400), tmp_path, source, "image/gif")
    assert (cleaned.width, cleaned.height) == (10, 10)


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 100, "image/png"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (samples.png()[:40], "image/png"),  # cut short in its pixels
        (b"\xff\xd8\xff" + b"\x00" * 100, "image/jpeg"),
        (samples.jpeg_with_gps()[:400], "image/jpeg"),
        (b"GIF89a" + b"\xff" * 50, "image/gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 20, "image/webp"),
        (samples.png(), "image/jpeg"),  # not the format it was sniffed as
        (samples.jpeg(), "image/png"),
        (samples.HTML, "image/png"),
        (b"", "image/gif"),
    ],
)
async def test_garbage_is_rejected(
    cleaner: PillowImageCleaner, tmp_path: Path, data: bytes, content_type: str
) -> None:
    with pytest.raises(ImageRejected):
        await clean(cleaner, tmp_path, data, content_type)
    assert not (tmp_path / "cleaned").exists()


async def test_other_types_are_not_images(cleaner: PillowImageCleaner, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        await clean(cleaner, tmp_path, samples.pdf(), "application/pdf")


def test_a_limit_below_one_pixel_is_refused() -> None:
    with pytest.raises(ValueError):
        PillowImageCleaner(max_pixels=0)


async def test_cleaning_runs_off_the_event_loop(
    cleaner: PillowImageCleaner, tmp_path: Path
) -> None:
    """While an image is being cleaned, the loop keeps running other tasks."""
    big = io.BytesIO()
    Image.effect_noise((1200, 1200), 64).convert("RGB").save(big, format="PNG")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await anyio.sleep(0.001)

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(tick)
        await clean(cleaner, tmp_path, big.getvalue(), "image/png")
        tasks.cancel_scope.cancel()
    assert ticks > 5


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
async def test_pillows_own_warning_made_an_error_is_a_rejection_too(tmp_path: Path) -> None:
    # 100 megapixels: over Pillow's warning threshold (about 89), under this instance's limit.
    roomy = PillowImageCleaner(max_pixels=150_000_000)
    with pytest.raises(ImageRejected, match="more pixels"):
        await clean(roomy, tmp_path, samples.png_declaring(10_000, 10_000), "image/png")


async def test_a_cancelled_caller_returns_only_once_the_thread_is_done(
    cleaner: PillowImageCleaner, tmp_path: Path
) -> None:
    big = io.BytesIO()
    Image.effect_noise((1200, 1200), 64).convert("RGB").save(big, format="PNG")
    source = tmp_path / "upload"
    source.write_bytes(big.getvalue())
    target = tmp_path / "cleaned"
    with anyio.move_on_after(0.01):
        await cleaner.clean(source, "image/png", target)
    # The thread can't be stopped, so the caller waited for it: the file is whole, and nothing
    # writes it after this.
    assert Image.open(target).size == (1200, 1200)


def _encoded(image: Image.Image, format: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=format, **options)
    return out.getvalue()


def _palette_with_transparency() -> Image.Image:
    image = Image.new("P", (5, 3), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.info["transparency"] = 0
    return image


@pytest.mark.parametrize(
    ("data", "content_type", "mode"),
    [
        (_encoded(Image.new("CMYK", (5, 3)), "JPEG"), "image/jpeg", "CMYK"),
        (_encoded(Image.new("L", (5, 3), 100), "JPEG"), "image/jpeg", "L"),
        (_encoded(Image.new("I;16", (5, 3), 4000), "PNG"), "image/png", None),
        (_encoded(Image.new("LA", (5, 3)), "PNG"), "image/png", "LA"),
        (_encoded(Image.new("1", (5, 3), 1), "PNG"), "image/png", "1"),
        (_encoded(_palette_with_transparency(), "PNG"), "image/png", "P"),
        (
            _encoded(Image.new("RGBA", (5, 3), (1, 2, 3, 4)), "WEBP", lossless=True),
            "image/webp",
            None,
        ),
    ],
)
async def test_every_common_mode_is_cleaned(
    cleaner: PillowImageCleaner, tmp_path: Path, data: bytes, content_type: str, mode: str | None
) -> None:
    cleaned, out = await clean(cleaner, tmp_path, data, content_type)
    image = Image.open(io.BytesIO(out))
    assert image.size == (cleaned.width, cleaned.height) == (5, 3)
    if mode is not None:
        assert image.mode == mode
    if mode == "P":
        assert image.info.get("transparency") == 0


@pytest.mark.parametrize("format", ["PNG", "WEBP"])
async def test_animated_png_and_webp_stay_animated(
    cleaner: PillowImageCleaner, tmp_path: Path, format: str
) -> None:
    frames = [Image.new("RGB", (6, 6), (60 * i, 0, 0)) for i in range(3)]
    source = _encoded(
        frames[0], format, save_all=True, append_images=frames[1:], duration=50, loop=0
    )
    content_type = f"image/{format.lower()}"
    _, data = await clean(cleaner, tmp_path, source, content_type)
    image = Image.open(io.BytesIO(data))
    assert (image.format, getattr(image, "n_frames", 1)) == (format, 3)


async def test_a_disk_failure_is_not_blamed_on_the_image(
    cleaner: PillowImageCleaner, tmp_path: Path
) -> None:
    source = tmp_path / "upload"
    source.write_bytes(samples.png())
    with pytest.raises(FileNotFoundError):
        await cleaner.clean(source, "image/png", tmp_path / "missing-folder" / "cleaned")
