"""Which format a file is in, from its first bytes; and one entry point to parse any of them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import ImportFormatError
from .records import PostRecord

FORMATS = ("text", "wxr", "disqus")
# A file with one of these in its first bytes is XML, whatever comes before it.
XML_SIGNS = (b"<?xml", b"<rss", b"<disqus")
XML_NEAR_START = 16  # room for a BOM and a few stray bytes, not for a title
# A JSON object or array (this site's JSON export is one): ``{`` before a key or its end,
# ``[`` before a value that is an object, array or string. Only the start is read, so a
# text archive titled "[Update] …" stays text.
JSON_START = re.compile(rb'(?:\{\s*["}]|\[\s*[\[{"\]])')


def detect_format(path: str | Path) -> str:
    """``wxr``, ``disqus`` or ``text``: XML files by their root element, a JSON file refused,
    anything else is text.

    A file is XML when it starts with ``<`` (after a byte-order mark and blanks) or has an
    XML declaration or an ``<rss``/``<disqus`` root starting in its first ``XML_NEAR_START`` bytes.
    """
    with open(path, "rb") as f:
        head = f.read(8192)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if JSON_START.match(stripped):
        # Read as text, it would become one published post whose body is the JSON.
        raise ImportFormatError(
            _(
                "a JSON file, which is not imported: this site's JSON export is for other "
                "tools; import its WXR export (export_archive --format wxr) instead"
            ),
            path=str(path),
            line=1,
        )
    lowered = head.lower()
    # A stray byte before the XML declaration (seen in real Disqus exports) must not turn an
    # export into a text archive whose body is the XML: such a file is read as XML and
    # refused by the parser, naming the place.
    near_start = lowered[: XML_NEAR_START + len(b"<disqus")]
    if not stripped.startswith(b"<") and not any(sign in near_start for sign in XML_SIGNS):
        return "text"
    if b"<disqus" in lowered or b"disqus.com" in lowered:
        return "disqus"
    if b"wordpress.org/export/" in lowered or b"<rss" in lowered:
        return "wxr"
    raise ImportFormatError(
        _("an XML file that is neither a WordPress export (WXR) nor a Disqus export"),
        path=str(path),
        line=1,
    )


def comment_source_id(source: str, post_source_id: str, old_id: str) -> str | None:
    """The ``source_id`` an import gave the comment its archive called ``old_id``, on a post
    imported from ``source`` as ``post_source_id``; None for a format without comment ids."""
    if source == "wxr":
        from .wxr import comment_source_id as key
    elif source == "disqus":
        from .disqus import comment_source_id as key
    else:
        return None
    return key(post_source_id, old_id)


def parse(
    path: str | Path,
    fmt: str = "auto",
    *,
    warn: Callable[[str], None] | None = None,
    **options,
) -> Iterator[PostRecord]:
    """Parse ``path`` in ``fmt`` (or the detected format), yielding posts one by one."""
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt == "text":
        from .text import parse_text as parser
    elif fmt == "wxr":
        from .wxr import parse_wxr as parser
    elif fmt == "disqus":
        from .disqus import parse_disqus as parser
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return parser(path, warn=warn, **options)
