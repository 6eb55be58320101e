"""What an export holds: which posts, which comments, which fields.

Posts are read in id order, each post's comments in tree order (parents before replies,
siblings in order) through ``comments.selectors.comments_for_export``: one streamed query
per post, so memory stays flat whatever the size of the archive.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from blogapp.models import Post
from comments.selectors import comments_for_export

FORMATS = ("wxr", "json")
CHUNK_CHARS = 1 << 16  # characters per chunk handed to a file or an HTTP response

# Positions in a comments.selectors.EXPORT_COLUMNS row.
ID, PARENT, STATUS = 0, 1, 9
EMAIL, IP = 3, 5
SPAM = "spam"


@dataclass(frozen=True)
class ExportOptions:
    format: str = "wxr"
    post_slug: str | None = None  # one post only
    include_spam: bool = False
    with_personal_data: bool = False  # commenters' email and IP addresses
    site_url: str = ""  # absolute links; default settings.SITE_URL

    @property
    def base_url(self) -> str:
        return (self.site_url or settings.SITE_URL).rstrip("/")


class ExportedPost:
    """A post and, read lazily, its comments as they go into the export."""

    def __init__(self, post: Post, options: ExportOptions):
        self.post = post
        self.options = options
        self.url = options.base_url + post.get_absolute_url()
        self.old_links = list(post.old_links.values_list("url", flat=True))

    def comments(self) -> Iterator[tuple]:
        """The post's comments (``EXPORT_COLUMNS`` rows) in tree order.

        Spam is left out unless asked for; a reply to a left-out comment hangs under its
        nearest exported ancestor, so the thread keeps its shape. Without personal data the
        email and IP columns are emptied.
        """
        include_spam = self.options.include_spam
        personal = self.options.with_personal_data
        left_out: dict[int, int | None] = {}  # a left-out comment -> its exported ancestor
        for row in comments_for_export(self.post.pk):
            parent = row[PARENT]
            if parent in left_out:
                parent = left_out[parent]
            if not include_spam and row[STATUS] == SPAM:
                left_out[row[ID]] = parent
                continue
            if parent != row[PARENT] or not personal:
                row = list(row)
                row[PARENT] = parent
                if not personal:
                    row[EMAIL] = ""
                    row[IP] = None
            yield row


def exported_posts(options: ExportOptions) -> Iterator[ExportedPost]:
    posts = Post.objects.order_by("pk")
    if options.post_slug:
        posts = posts.filter(slug=options.post_slug)
    for post in posts.iterator(chunk_size=200):
        yield ExportedPost(post, options)


def export_chunks(options: ExportOptions) -> Iterator[str]:
    """The whole export as text chunks of about ``CHUNK_CHARS`` characters."""
    if options.format == "wxr":
        from .wxr import write_wxr as writer
    elif options.format == "json":
        from .jsonformat import write_json as writer
    else:
        raise ValueError(f"unknown export format {options.format!r}")
    return _in_one_snapshot(_chunked(writer(exported_posts(options), options)))


def _in_one_snapshot(chunks: Iterator[str]) -> Iterator[str]:
    """``chunks``, read in one transaction: on PostgreSQL a repeatable-read snapshot, so the
    export is the archive at one moment even while readers comment, and its server-side
    cursors stream rows (outside a transaction they would be WITH HOLD cursors, which the
    server copies whole before the first row). A generator, so a streamed HTTP response
    holds the transaction only while it is being sent."""
    with transaction.atomic():
        if connection.vendor == "postgresql" and not connection.savepoint_ids:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield from chunks


def _chunked(pieces: Iterable[str]) -> Iterator[str]:
    chunk: list[str] = []
    size = 0
    for piece in pieces:
        chunk.append(piece)
        size += len(piece)
        if size >= CHUNK_CHARS:
            yield "".join(chunk)
            chunk, size = [], 0
    if chunk:
        yield "".join(chunk)
