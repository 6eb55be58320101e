"""WordPress eXtended RSS 1.2, as WordPress's own exporter writes it.

WordPress's importer and ours read it. What WXR has no field for travels in ``wp:postmeta``
and ``wp:commentmeta`` entries under keys starting with ``_threaded_blog_`` (WordPress keeps
them as hidden meta): a post body that is HTML as stored (no paragraphs to add, no shortcodes
to expand: WordPress itself would expand a "[gallery]" such a body names), the comment's
rendered HTML and when it was edited, the post's older addresses, and for an imported post
and its comments the format and ids of their first import, so that an export imported
elsewhere keeps every old link leading where it did. The ``guid`` is the post's address here
(a permalink): ``?p=<wp:post_id>`` would name this site's own id, which an old WordPress link
of another post may use. Text is written escaped rather than as CDATA,
so a carriage return survives as ``&#13;`` (XML readers turn a raw one into a line feed).
Titles and author names are HTML-escaped first, as WordPress stores them. A post that is not
listed (such as an imported WordPress page) is written as a ``page``, which an import reads
back as such.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from email.utils import format_datetime

from django.utils import timezone

from .archive import ExportedPost, ExportOptions

WXR_VERSION = "1.2"
META_PREFIX = "_threaded_blog_"
META_BODY_FORMAT = META_PREFIX + "body_format"  # postmeta: "html", the body as stored
META_BODY_HTML = META_PREFIX + "body_html"  # commentmeta: the HTML the page showed
META_OLD_LINK = META_PREFIX + "old_link"  # postmeta, repeated: earlier addresses of the post
# postmeta: what an import knows the post by, its source (format) and id; commentmeta: the
# comment's id (archive.ExportedPost: a first import's, whose ids old links name).
META_SOURCE = META_PREFIX + "source"
META_SOURCE_ID = META_PREFIX + "source_id"
META_EDITED_AT = META_PREFIX + "edited_at"  # commentmeta: when its writer last edited it, UTC
# commentmeta "1": its archive gave the day only (the date is that day's midnight, UTC)
META_DATE_ONLY = META_PREFIX + "date_only"

_APPROVED = {"approved": "1", "pending": "0", "spam": "spam", "removed": "trash"}
# Characters XML 1.0 cannot hold at all (a file holding them would not parse).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Anything text() must change; most names, addresses and dates have none.
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def text(value: str) -> str:
    """Character data: escaped, carriage returns kept as references."""
    if not _SPECIAL.search(value):
        return value
    if _NOT_XML.search(value):
        value = _NOT_XML.sub("", value)
    # str.replace, one character at a time: several times faster than str.translate.
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return value


def name(value: str) -> str:
    """A title or author name: HTML-escaped as WordPress stores it, then as character data."""
    return text(html.escape(value, quote=False))


def sql_date(value: datetime, tz=None) -> str:
    """``2013-03-14 15:01:21`` (with microseconds when there are any), in ``tz`` or UTC."""
    if tz is not None or value.tzinfo is not UTC:
        value = value.astimezone(tz or UTC)
    return value.replace(tzinfo=None).isoformat(" ")


def write_wxr(posts: Iterable[ExportedPost], options: ExportOptions) -> Iterator[str]:
    base = options.base_url
    now = timezone.now()
    yield (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        '<rss version="2.0"\n'
        '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:wp="http://wordpress.org/export/1.2/"\n>\n<channel>\n'
        f"\t<title>{text(base)}</title>\n\t<link>{text(base)}</link>\n"
        "\t<description></description>\n"
        f"\t<pubDate>{format_datetime(now)}</pubDate>\n"
        f"\t<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>\n"
        f"\t<wp:base_site_url>{text(base)}</wp:base_site_url>\n"
        f"\t<wp:base_blog_url>{text(base)}</wp:base_blog_url>\n"
        "\t<generator>threaded-blog export_archive</generator>\n"
    )
    local = timezone.get_default_timezone()
    if str(local) in ("UTC", "Etc/UTC"):
        local = None  # local dates are the UTC ones: written once, not converted again
    for exported in posts:
        yield from _item(exported, local)
    yield "</channel>\n</rss>\n"


def _item(exported: ExportedPost, local) -> Iterator[str]:
    post = exported.post
    status = "publish" if post.status == post.Status.PUBLISHED else "draft"
    meta = [
        (META_BODY_FORMAT, "html"),
        (META_SOURCE, exported.source),
        (META_SOURCE_ID, exported.source_id),
    ] + [(META_OLD_LINK, url) for url in exported.old_links]
    yield (
        f"\t<item>\n\t\t<title>{name(post.title)}</title>\n"
        f"\t\t<link>{text(exported.url)}</link>\n"
        f"\t\t<pubDate>{format_datetime(post.published_at)}</pubDate>\n"
        f"\t\t<dc:creator>{name(post.author_name)}</dc:creator>\n"
        f'\t\t<guid isPermaLink="true">{text(exported.url)}</guid>\n'
        "\t\t<description></description>\n"
        f"\t\t<content:encoded>{text(post.body)}</content:encoded>\n"
        "\t\t<excerpt:encoded></excerpt:encoded>\n"
        f"\t\t<wp:post_id>{post.pk}</wp:post_id>\n"
        f"\t\t<wp:post_date>{sql_date(post.published_at, local)}</wp:post_date>\n"
        f"\t\t<wp:post_date_gmt>{sql_date(post.published_at)}</wp:post_date_gmt>\n"
        f"\t\t<wp:post_modified>{sql_date(post.updated_at, local)}</wp:post_modified>\n"
        f"\t\t<wp:post_modified_gmt>{sql_date(post.updated_at)}</wp:post_modified_gmt>\n"
        f"\t\t<wp:comment_status>{'open' if post.comments_open else 'closed'}"
        "</wp:comment_status>\n"
        "\t\t<wp:ping_status>closed</wp:ping_status>\n"
        f"\t\t<wp:post_name>{text(post.slug)}</wp:post_name>\n"
        f"\t\t<wp:status>{status}</wp:status>\n"
        "\t\t<wp:post_parent>0</wp:post_parent>\n\t\t<wp:menu_order>0</wp:menu_order>\n"
        f"\t\t<wp:post_type>{'post' if post.listed else 'page'}</wp:post_type>\n"
        "\t\t<wp:post_password></wp:post_password>\n"
        "\t\t<wp:is_sticky>0</wp:is_sticky>\n"
        + "".join(
            f"\t\t<wp:postmeta>\n\t\t\t<wp:meta_key>{key}</wp:meta_key>\n"
            f"\t\t\t<wp:meta_value>{text(value)}</wp:meta_value>\n\t\t</wp:postmeta>\n"
            for key, value in meta
        )
    )
    comment_source_id = exported.comment_source_id
    for row in exported.comments():
        (
            pk, parent, author, email, url, ip, body, body_html, created, status, kind, edited,
            date_only, _source, _source_id,
        ) = row  # fmt: skip
        gmt = sql_date(created)
        meta = [(META_BODY_HTML, body_html), (META_SOURCE_ID, comment_source_id(row))]
        if edited is not None:
            meta.append((META_EDITED_AT, sql_date(edited)))
        if date_only:
            meta.append((META_DATE_ONLY, "1"))
        yield (
            f"\t\t<wp:comment>\n\t\t\t<wp:comment_id>{pk}</wp:comment_id>\n"
            f"\t\t\t<wp:comment_author>{name(author)}</wp:comment_author>\n"
            f"\t\t\t<wp:comment_author_email>{text(email)}</wp:comment_author_email>\n"
            f"\t\t\t<wp:comment_author_url>{text(url)}</wp:comment_author_url>\n"
            f"\t\t\t<wp:comment_author_IP>{ip or ''}</wp:comment_author_IP>\n"
            f"\t\t\t<wp:comment_date>{sql_date(created, local) if local else gmt}"
            "</wp:comment_date>\n"
            f"\t\t\t<wp:comment_date_gmt>{gmt}</wp:comment_date_gmt>\n"
            f"\t\t\t<wp:comment_content>{text(body)}</wp:comment_content>\n"
            f"\t\t\t<wp:comment_approved>{_APPROVED[status]}</wp:comment_approved>\n"
            f"\t\t\t<wp:comment_type>{kind}</wp:comment_type>\n"
            f"\t\t\t<wp:comment_parent>{parent or 0}</wp:comment_parent>\n"
            "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n"
            + "".join(
                f"\t\t\t<wp:commentmeta>\n\t\t\t\t<wp:meta_key>{key}</wp:meta_key>\n"
                f"\t\t\t\t<wp:meta_value>{text(value)}</wp:meta_value>\n"
                "\t\t\t</wp:commentmeta>\n"
                for key, value in meta
            )
            + "\t\t</wp:comment>\n"
        )
    yield "\t</item>\n"
