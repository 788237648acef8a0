"""The Atom feed (RFC 4287) of the latest published posts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime

from application.blog.views import PostView

ATOM_TYPE = "application/atom+xml"
_NS = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 can't carry at all, even escaped: dropped so the feed always parses.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(posts: Sequence[PostView], base_url: str) -> bytes:
    """The feed document; every text is escaped by the XML writer, never pasted in."""
    ET.register_namespace("", _NS)
    feed = ET.Element(f"{{{_NS}}}feed")
    ET.SubElement(feed, f"{{{_NS}}}title").text = "hexashop blog"
    ET.SubElement(feed, f"{{{_NS}}}id").text = f"{base_url}/posts"
    ET.SubElement(feed, f"{{{_NS}}}link", rel="self", href=f"{base_url}/posts/feed.xml")
    updated = max((p.updated_at for p in posts), default=datetime(2000, 1, 1, tzinfo=UTC))
    ET.SubElement(feed, f"{{{_NS}}}updated").text = _stamp(updated)
    for post in posts:
        entry = ET.SubElement(feed, f"{{{_NS}}}entry")
        ET.SubElement(entry, f"{{{_NS}}}title").text = _text(post.title)
        ET.SubElement(entry, f"{{{_NS}}}id").text = f"urn:uuid:{post.id}"
        ET.SubElement(entry, f"{{{_NS}}}link", href=f"{base_url}/posts/{post.slug}")
        ET.SubElement(entry, f"{{{_NS}}}updated").text = _stamp(post.updated_at)
        if post.published_at is not None:
            ET.SubElement(entry, f"{{{_NS}}}published").text = _stamp(post.published_at)
        author = ET.SubElement(entry, f"{{{_NS}}}author")
        ET.SubElement(author, f"{{{_NS}}}name").text = _text(post.author.name or "anonymous")
        ET.SubElement(entry, f"{{{_NS}}}summary").text = _text(post.excerpt)
        for tag in post.tags:
            ET.SubElement(entry, f"{{{_NS}}}category", term=_text(tag))
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document
