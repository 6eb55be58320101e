"""Plain records every parser produces and the loader consumes.

They carry no Django types: a parser turns a file into :class:`PostRecord` objects, each holding
its comments in the file's original order as ``comments.records.CommentRecord`` objects, the
record type the comments app's bulk service takes. Parent links are by source id, so a reply
may appear before its parent in the file; that service resolves them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from comments.records import (
    APPROVED,
    AUTOP,
    COMMENT,
    HTML,
    PENDING,
    PINGBACK,
    REMOVED,
    SPAM,
    TEXT,
    TRACKBACK,
    CommentRecord,
)

__all__ = [
    "APPROVED", "AUTOP", "COMMENT", "HTML", "PENDING", "PINGBACK", "REMOVED", "SPAM", "TEXT",
    "TRACKBACK", "CommentRecord", "PostRecord",
]  # fmt: skip


@dataclass(slots=True)
class PostRecord:
    source: str  # "text", "wxr" or "disqus"; also the comments' source
    source_id: str
    title: str
    slug: str = ""
    body: str = ""
    body_format: str = HTML
    author_name: str = ""
    published_at: datetime | None = None  # aware, UTC
    modified_at: datetime | None = None  # aware, UTC: when the old site last changed it
    published: bool = True
    comments_open: bool = True
    listed: bool = True  # False for a WordPress page: reached at its address, in no list
    link: str = ""  # the post's original URL, used to match an existing post (Disqus)
    old_urls: list[str] = field(default_factory=list)  # addresses that lead to it (blogapp.links)
    match_existing_slug: bool = False  # attach to an existing post with this slug if one exists
    location: str = ""
    comments: list[CommentRecord] = field(default_factory=list)
