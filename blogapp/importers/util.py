"""Small pure helpers shared by the parsers."""

from __future__ import annotations

import hashlib
import re
import socket
import unicodedata
from datetime import UTC, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

_SLUG_DROP = re.compile(r"[^\w\s-]")
_SLUG_DASH = re.compile(r"[-\s]+")
_SLUG = re.compile(r"[-\w]+")  # what a SlugField with allow_unicode accepts


def slugify(value: str, max_length: int = 200) -> str:
    """A slug as WordPress makes one: lower case, words joined by "-", accents taken off
    Latin letters ("Crème brûlée" → "creme-brulee"), the letters of other scripts kept
    ("Επίπεδο 2" → "επίπεδο-2"). Django's ``slugify`` drops every non-ASCII letter, or with
    ``allow_unicode`` keeps every accent."""
    value = "".join(_ascii_fold(ch) for ch in unicodedata.normalize("NFC", value))
    value = _SLUG_DROP.sub("", value.lower())
    return _SLUG_DASH.sub("-", value).strip("-_")[:max_length].strip("-")


def ascii_key(value: str, max_length: int = 200) -> str:
    """The ASCII slug of ``value`` (non-ASCII letters dropped): what the text archive's
    posts are keyed by since its first import, so a re-import finds the posts it made."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = _SLUG_DROP.sub("", value.lower())
    return _SLUG_DASH.sub("-", value).strip("-_")[:max_length].strip("-")


def keep_or_slugify(value: str, max_length: int = 200) -> str:
    """``value`` itself when it is a slug already (an export's, WordPress's post_name), so
    that the post keeps its address exactly; else ``slugify(value)``."""
    if len(value) <= max_length and _SLUG.fullmatch(value):
        return value
    return slugify(value, max_length)


def _ascii_fold(ch: str) -> str:
    """``ch`` without its accents when that leaves ASCII ("é" → "e", "ﬁ" → "fi"), else ``ch``."""
    if ch.isascii():
        return ch
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base if base.isascii() else ch


# Elements that keep the words either side together ("Mark<sup>up</sup>"); any other tag
# (a <br>, a block) stands between two words.
_INLINE_TAGS = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark",
    "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
}  # fmt: skip
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # white space as HTML collapses it (not U+00A0)


class _PlainText(HTMLParser):
    """The text an HTML fragment shows: tags left out, character references decoded once,
    what a script or style holds dropped. A "<" that opens no tag ("<3") is text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def plain_text(value: str) -> str:
    """The plain text of an HTML fragment such as a WordPress title ("Title <em>With</em>
    Markup", "Fish &amp; Chips"), white space collapsed: what its reader saw, for the pages,
    feeds and search, which escape a title rather than render it."""
    parser = _PlainText()
    parser.feed(value)
    parser.close()
    return _HTML_SPACE.sub(" ", "".join(parser.parts)).strip(" ")


def content_key(*parts: str) -> str:
    """A short stable key for something that has no id of its own."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8"), usedforsecurity=False)
    return digest.hexdigest()[:16]


def clean_ip(value: str | None) -> str | None:
    """A valid IPv4/IPv6 address or None (exports contain junk here)."""
    if not value:
        return None
    value = value.strip()
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, value)  # C-fast; ipaddress is ~10x slower
        except (OSError, ValueError):
            continue
        return value
    return None


def parse_sql_datetime(value: str | None, tz: ZoneInfo | None = None) -> datetime | None:
    """``2013-03-14 15:01:21`` in ``tz`` (UTC by default) -> aware UTC; None when empty/zero."""
    if not value:
        return None
    value = value.strip()
    if not value or value.startswith("0000-00-00"):
        return None
    dt = datetime.fromisoformat(value)  # fast C parser; raises ValueError on junk
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz or UTC)
    return dt.astimezone(UTC)
