"""What an export holds: which posts, which comments, which fields.

Posts are read in id order, each post's comments in tree order (parents before replies,
siblings in order) through ``comments.selectors.comments_for_export``: one streamed query
per post, so memory stays flat whatever the size of the archive.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

from blogapp.models import Post
from comments.selectors import comments_for_export

FORMATS = ("wxr", "json")

# Positions in a comments.selectors.EXPORT_COLUMNS row.
ID, PARENT, STATUS = 0, 1, 9
EMAIL, IP = 3, 5
SOURCE, SOURCE_ID = 13, 14
SPAM = "spam"
# The source an import of a WXR export gives a post made here (blogapp.importers.wxr).
WXR_SOURCE = "wxr"


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
    """A post and, read lazily, its comments as they go into the export.

    ``source`` and ``source_id`` are what an import of the export knows the post by: those of
    its own first import, so that the ids its old comment links name (``blogapp.links``)
    stay its comments' ids, or for a post made here its address under ``base_url``, a key no
    import of another site's archive makes (theirs start with a host, not a scheme).
    """

    def __init__(self, post: Post, options: ExportOptions):
        self.post = post
        self.options = options
        self.url = options.base_url + post.get_absolute_url()
        self.old_links = list(post.old_links.values_list("url", flat=True))
        if post.source and post.source_id:
            self.source, self.source_id = post.source, post.source_id
        else:
            self.source, self.source_id = WXR_SOURCE, f"{options.base_url}/post/{post.pk}"

    def comment_source_id(self, row: tuple) -> str:
        """What an import of the export knows a comment (an ``EXPORT_COLUMNS`` row) by: its
        id from the post's first import when it came with it, else its address here."""
        if row[SOURCE_ID] and row[SOURCE] == self.post.source:
            return row[SOURCE_ID]
        return f"{self.options.base_url}/comment/{row[ID]}"

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
