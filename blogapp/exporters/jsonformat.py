"""The JSON export: one document, written a comment at a time (format in README, "Exporting")."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from django.utils import timezone

from .archive import ExportedPost, ExportOptions

FORMAT_NAME = "threaded-blog-archive"
FORMAT_VERSION = 1
COMMENT_FIELDS = (
    "id", "parent", "author_name", "author_email", "author_url", "ip_address", "body",
    "body_html", "created_at", "status", "kind", "edited_at", "date_only",
)  # fmt: skip
FIELD_COUNT = len(COMMENT_FIELDS)  # the first columns of an export row

_dumps = json.JSONEncoder(ensure_ascii=False).encode


def write_json(posts: Iterable[ExportedPost], options: ExportOptions) -> Iterator[str]:
    header = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "site": options.base_url,
        "exported_at": timezone.now().isoformat(),
        "personal_data": options.with_personal_data,
        "spam": options.include_spam,
    }
    yield _dumps(header)[:-1] + ', "posts": ['
    for number, exported in enumerate(posts):
        post = exported.post
        head = {
            "id": post.pk,
            "slug": post.slug,
            "url": exported.url,
            "old_links": exported.old_links,
            "title": post.title,
            "author_name": post.author_name,
            "published_at": post.published_at.isoformat(),
            "status": post.status,
            "comments_open": post.comments_open,
            "listed": post.listed,
            "body": post.body,
            "body_html": post.body_html,
        }
        yield ("," if number else "") + "\n" + _dumps(head)[:-1] + ', "comments": ['
        separator = "\n"
        for row in exported.comments():
            comment = dict(zip(COMMENT_FIELDS, row[:FIELD_COUNT], strict=True))
            comment["created_at"] = comment["created_at"].isoformat()
            if comment["edited_at"] is not None:
                comment["edited_at"] = comment["edited_at"].isoformat()
            yield separator + _dumps(comment)
            separator = ",\n"
        yield "]}"
    yield "\n]}\n"
