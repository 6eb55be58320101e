"""Plain records every parser produces and the loader consumes.

They carry no Django types: a parser turns a file into :class:`PostRecord` objects, each holding
its :class:`CommentRecord` list in the file's original order. Parent links are by source id, so
a reply may appear before its parent in the file; the loader resolves them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Body formats: TEXT, HTML, or AUTOP (HTML whose blank lines make paragraphs, as in WordPress).
AUTOP = "autop"

# Comment statuses and kinds, spelled as ``comments.models.Comment`` stores them.
APPROVED, PENDING, SPAM, REMOVED = "approved", "pending", "spam", "removed"
COMMENT, PINGBACK, TRACKBACK = "comment", "pingback", "trackback"

# How a body is written: plain text (escaped and linked) or HTML (sanitised).
TEXT, HTML = "text", "html"


@dataclass(slots=True)
class CommentRecord:
    source_id: str
    parent_source_id: str | None
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    ip_address: str | None = None
    body: str = ""
    body_format: str = TEXT
    created_at: datetime | None = None  # aware, UTC
    status: str = APPROVED
    kind: str = COMMENT
    order: int = 0  # position in the file, for sibling order
    location: str = ""  # where the comment sits in the file, for warnings


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
    published: bool = True
    comments_open: bool = True
    link: str = ""  # the post's original URL, used to match an existing post (Disqus)
    match_existing_slug: bool = False  # attach to an existing post with this slug if one exists
    location: str = ""
    comments: list[CommentRecord] = field(default_factory=list)
