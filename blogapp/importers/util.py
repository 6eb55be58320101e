"""Small pure helpers shared by the parsers."""

from __future__ import annotations

import hashlib
import re
import socket
import unicodedata
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

_SLUG_DROP = re.compile(r"[^\w\s-]")
_SLUG_DASH = re.compile(r"[-\s]+")


def slugify(value: str, max_length: int = 200) -> str:
    """ASCII slug, like Django's ``slugify`` (kept here so parsers need no Django)."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = _SLUG_DROP.sub("", value.lower())
    return _SLUG_DASH.sub("-", value).strip("-_")[:max_length].strip("-")


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
