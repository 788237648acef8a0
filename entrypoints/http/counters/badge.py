"""A counter's badge: a small flat SVG showing its name and count, every text escaped."""

from __future__ import annotations

from html import escape

from domain.counters import CounterCount

# Roughly Verdana 11px: wide enough for every character; the badge only needs to fit.
_CHAR_WIDTH = 7
_PADDING = 10


def _width(text: str) -> int:
    return len(text) * _CHAR_WIDTH + _PADDING


def badge_svg(counter: CounterCount) -> str:
    """The SVG document; the name and count are XML-escaped (names are checked already, but
    the badge must never be a way to inject markup)."""
    label, value = escape(counter.name, quote=True), escape(f"{counter.count:,}", quote=True)
    left, right = _width(counter.name), _width(f"{counter.count:,}")
    total = left + right
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label="{label}: {value}">'
        f"<title>{label}: {value}</title>"
        f'<rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="#4c1"/>'
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,sans-serif" font-size="11">'
        f'<text x="{left / 2}" y="14">{label}</text>'
        f'<text x="{left + right / 2}" y="14">{value}</text>'
        "</g></svg>"
    )
