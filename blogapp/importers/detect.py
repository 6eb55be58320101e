"""Which format a file is in, from its first bytes; and one entry point to parse any of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import ImportFormatError
from .records import PostRecord

FORMATS = ("text", "wxr", "disqus")


def detect_format(path: str | Path) -> str:
    """``wxr``, ``disqus`` or ``text``: XML files by their root element, anything else is text."""
    with open(path, "rb") as f:
        head = f.read(8192)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"<"):
        return "text"
    lowered = head.lower()
    if b"<disqus" in lowered or b"disqus.com" in lowered:
        return "disqus"
    if b"wordpress.org/export/" in lowered or b"<rss" in lowered:
        return "wxr"
    raise ImportFormatError(
        _("an XML file that is neither a WordPress export (WXR) nor a Disqus export"),
        path=str(path),
        line=1,
    )


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
