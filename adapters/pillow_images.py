"""The image cleaner on Pillow: orientation applied, then re-encoded without EXIF, XMP, text
chunks or comments (GPS included), in the same format, in a worker thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread

if TYPE_CHECKING:
    from PIL import Image, ImageOps, ImageSequence

from application.media.ports import CleanedImage, ImageRejected

# What Pillow may decode each type as (a JPEG with a second picture opens as MPO), and what
# it is written back as.
_FORMATS: dict[str, tuple[tuple[str, ...], str]] = {
    "image/png": (("PNG",), "PNG"),
    "image/jpeg": (("JPEG", "MPO"), "JPEG"),
    "image/gif": (("GIF",), "GIF"),
    "image/webp": (("WEBP",), "WEBP"),
}
# Image settings that are pixels, not metadata: a palette's transparent index or an RGB
# image's transparent colour. Everything else in `info` (exif, xmp, comment, text chunks,
# dpi, ...) is left behind.
_KEPT_INFO = ("transparency",)
_LOSSY_QUALITY = 90
_TOO_MANY_PIXELS = "The image has more pixels than the limit"
# Re-encoding a 40-megapixel image holds about 160 MiB and a core: a few at once at most.
DEFAULT_CONCURRENCY = 2


_pillow_lock = threading.Lock()


def _load_pillow() -> None:
    """Import Pillow on the first image to clean, in the worker thread cleaning it: a server
    that never receives an image keeps its 5 MiB out of memory, and the import never runs
    on the event loop."""
    global Image, ImageOps, ImageSequence
    with _pillow_lock:
        from PIL import Image, ImageOps, ImageSequence


@dataclass
class _Decoded:
    frames: list[Image.Image]
    durations: list[int]
    loop: int | None
    icc_profile: bytes | None


class PillowImageCleaner:
    """ImageCleaner on Pillow, with its own pixel limit.

    `max_pixels` bounds one frame's width x height, and the frames of an animation together, and
    is checked from the header before any pixel is decoded. Pillow's process-wide
    `Image.MAX_IMAGE_PIXELS` is never changed (it is shared by every instance and thread):
    Pillow itself still refuses images over twice that (about 179 megapixels) with
    DecompressionBombError, which is rejected here like the rest.

    The ICC colour profile is kept: it is colour data, not about the photo's author, place or
    camera, and without it wide-gamut photos (Display P3, what current phones take) show
    washed-out colours.
    """

    def __init__(self, max_pixels: int, max_concurrent: int = DEFAULT_CONCURRENCY) -> None:
        if max_pixels < 1:
            raise ValueError("max_pixels must be at least 1")
        self._max_pixels = max_pixels
        self._limiter = anyio.CapacityLimiter(max_concurrent)

    async def clean(self, source: Path, content_type: str, target: Path) -> CleanedImage:
        """Decode `source`, apply its EXIF orientation, write it to `target` without metadata.

        Runs in a worker thread; a cancelled caller waits for it, so `target` is never written
        after the caller has cleaned up.
        """
        return await anyio.to_thread.run_sync(
            self._clean, source, content_type, target, limiter=self._limiter
        )

    def _clean(self, source: Path, content_type: str, target: Path) -> CleanedImage:
        _load_pillow()
        try:
            formats, written_as = _FORMATS[content_type]
        except KeyError:
            raise ValueError(f"not an image type: {content_type!r}") from None
        try:
            decoded = self._decode(source, formats)
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            # Over Pillow's own process-wide limit (a warning only when filters make it raise).
            raise ImageRejected(_TOO_MANY_PIXELS) from exc
        except Exception as exc:
            # Whatever Pillow raises on hostile bytes (OSError, SyntaxError, ValueError, struct
            # errors, ...) means these bytes are no image we take.
            raise ImageRejected("The image can't be decoded") from exc
        try:
            _write(decoded, written_as, target)
        except BaseException as exc:
            target.unlink(missing_ok=True)
            # Pillow's "cannot write mode X as Y" is an OSError without an errno; one with an
            # errno is the disk, not the image, and stays what it is.
            encoder_refused = isinstance(exc, OSError) and exc.errno is None
            if encoder_refused or isinstance(exc, (ValueError, TypeError, KeyError, IndexError)):
                raise ImageRejected("The image can't be re-encoded") from exc
            raise
        width, height = decoded.frames[0].size
        return CleanedImage(path=target, content_type=content_type, width=width, height=height)

    def _decode(self, source: Path, formats: tuple[str, ...]) -> _Decoded:
        with Image.open(source, formats=list(formats[:1])) as image:
            if image.format not in formats:
                raise ImageRejected("The image is not in the format its bytes announced")
            # From the header, before any pixel is decoded.
            self._check_pixels(image.size, self._max_pixels)
            icc_profile = image.info.get("icc_profile") or None
            loop = image.info.get("loop")
            if not getattr(image, "is_animated", False):
                image.load()
                return _Decoded([_stripped(image)], [0], None, icc_profile)
            frames, durations = self._frames(image)
            return _Decoded(frames, durations, loop, icc_profile)

    def _frames(self, image: Image.Image) -> tuple[list[Image.Image], list[int]]:
        """Every frame of an animation, composited and stripped, within the pixel budget."""
        frames: list[Image.Image] = []
        durations: list[int] = []
        budget = self._max_pixels
        for frame in ImageSequence.Iterator(image):
            budget -= self._check_pixels(frame.size, budget)
            durations.append(int(frame.info.get("duration", 0)))
            frames.append(_stripped(frame))
        return frames, durations

    @staticmethod
    def _check_pixels(size: tuple[int, int], budget: int) -> int:
        pixels = size[0] * size[1]
        if pixels > budget:
            raise ImageRejected(_TOO_MANY_PIXELS)
        return pixels


def _stripped(image: Image.Image) -> Image.Image:
    """A copy with the EXIF orientation applied and no metadata left in `info`."""
    oriented = ImageOps.exif_transpose(image)
    oriented.info = {key: image.info[key] for key in _KEPT_INFO if key in image.info}
    return oriented


def _write(decoded: _Decoded, written_as: str, target: Path) -> None:
    first, *rest = decoded.frames
    options: dict[str, Any] = {"format": written_as}
    if decoded.icc_profile:
        options["icc_profile"] = decoded.icc_profile
    if written_as in ("JPEG", "WEBP"):
        options["quality"] = _LOSSY_QUALITY
    if rest:
        options.update(save_all=True, append_images=rest, duration=decoded.durations)
        if decoded.loop is not None:
            options["loop"] = decoded.loop
    first.save(target, **options)
