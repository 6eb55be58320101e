"""What an import hands to ``comments.bulk``: plain records, no Django.

An importer's parsers build :class:`CommentRecord` objects straight from a file, so this
module imports nothing from Django and nothing from the site. Parent links are by source id:
a reply may come before its parent; the bulk service resolves them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

# How a body is written: plain text (escaped and linked), HTML (sanitised), or AUTOP (HTML
# whose blank lines make paragraphs, as WordPress stores comments).
TEXT, HTML, AUTOP = "text", "html", "autop"

# Comment statuses and kinds, spelled as ``comments.models.Comment`` stores them.
APPROVED, PENDING, SPAM, REMOVED = "approved", "pending", "spam", "removed"
COMMENT, PINGBACK, TRACKBACK = "comment", "pingback", "trackback"

SOURCE_ID_MAX_LENGTH = 500  # the ``source_id`` column of comments and posts


@dataclass(slots=True)
class CommentRecord:
    """One comment as an archive describes it."""

    source_id: str
    parent_source_id: str | None
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    ip_address: str | None = None
    body: str = ""
    body_format: str = TEXT
    # The HTML this site showed for the comment, when the archive is an export of this site:
    # sanitised again and stored as is, so the page shows exactly what it showed before.
    body_html: str | None = None
    created_at: datetime | None = None  # aware, UTC
    date_only: bool = False  # created_at is a day's midnight: the archive gave no time
    edited_at: datetime | None = None  # aware, UTC: when its writer last edited it (an export)
    # The id it had on the site that exported it (an export of this site): kept where it is
    # free, so its address there (/comment/<id>/, #comment-<id>) still names it.
    keep_id: int | None = None
    status: str = APPROVED
    kind: str = COMMENT
    order: int = 0  # position in the file, for sibling order
    location: str = ""  # where the comment sits in the file, for warnings


@dataclass(slots=True)
class PostComments:
    """The comments an archive holds for one post, in the file's order."""

    post_id: int | None  # None only in a dry run, for a post that would be created
    source: str  # the archive format ("text", "wxr", "disqus"): with source_id, the identity
    comments: list[CommentRecord] = field(default_factory=list)


def fit_source_id(value: str) -> str:
    """``value`` as stored in a ``source_id`` column: a long one is cut and keeps a digest."""
    if len(value) <= SOURCE_ID_MAX_LENGTH:
        return value
    digest = hashlib.sha1(value.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]
    return value[:450] + "#" + digest
