"""WordPress eXtended RSS (WXR 1.0-1.2), streamed item by item.

The ``wp`` namespace is read from the document (``http`` or ``https``, any ``1.x``). Posts and
pages become posts (their comments are kept), a page one that is not listed (``Post.listed``);
attachments, menu items and other item types are skipped, with a warning when they carry
comments.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from datetime import UTC, tzinfo
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from .errors import ImportFormatError
from .records import (
    APPROVED,
    AUTOP,
    COMMENT,
    HTML,
    PENDING,
    PINGBACK,
    REMOVED,
    SPAM,
    TRACKBACK,
    CommentRecord,
    PostRecord,
)
from .util import (
    clean_ip,
    content_key,
    keep_or_slugify,
    parse_sql_datetime,
    plain_text,
    slugify,
)
from .xmlsafe import create_parser, feed

SOURCE = "wxr"
_WP_NS = re.compile(r"https?://wordpress\.org/export/1\.\d+/\Z")
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"

_STATUS = {
    "1": APPROVED,
    "approve": APPROVED,
    "0": PENDING,
    "hold": PENDING,
    "spam": SPAM,
    "trash": REMOVED,
    "post-trashed": REMOVED,
}
_KINDS = {"pingback": PINGBACK, "trackback": TRACKBACK}
# Why a post is not public, by its wp:status (translated where used).
_NOT_PUBLIC = {
    "draft": gettext_noop("a draft"),
    "pending": gettext_noop("pending review"),
    "private": gettext_noop("private"),
    "future": gettext_noop("scheduled for later"),
    "trash": gettext_noop("in the trash"),
}
_POST_TYPES = {"post", "page"}

# What an export of this site (blogapp.exporters.wxr) adds in wp:postmeta / wp:commentmeta;
# other meta is not kept.
META_PREFIX = "_threaded_blog_"
META_BODY_FORMAT = META_PREFIX + "body_format"  # postmeta: "html", the body as stored
META_BODY_HTML = META_PREFIX + "body_html"  # commentmeta: the HTML the page showed
META_OLD_LINK = META_PREFIX + "old_link"  # postmeta, repeated: earlier addresses of the post
# postmeta: what the exporting site knew the post by, its source (format) and source id: its
# first import's, or its address there; commentmeta: the comment's source id. Kept, so the
# ids old comment links name stay the comments' ids (blogapp.links) and importing the first
# archive again finds them.
META_SOURCE = META_PREFIX + "source"
META_SOURCE_ID = META_PREFIX + "source_id"
META_EDITED_AT = META_PREFIX + "edited_at"  # commentmeta: when its writer last edited it, UTC
META_DATE_ONLY = META_PREFIX + "date_only"  # commentmeta "1": the archive gave the day only
MAX_KEPT_ID = 2**63 - 1  # a comment id the database can hold
# The formats an import gives a post as its source (blogapp.importers.detect.FORMATS).
FIRST_IMPORT_SOURCES = {"text", SOURCE, "disqus"}

# What an element means: (scope, field). Scopes: item/comment start or a field of one; a
# meta entry and its key or value.
_ITEM, _COMMENT, _ITEM_FIELD, _COMMENT_FIELD, _CHANNEL_FIELD, _OTHER, _META, _META_FIELD = range(8)
_ITEM_FIELDS = {
    "title": "title",
    "link": "link",
    "pubDate": "pub_date",
    "guid": "guid",
    f"{_DC_NS} creator": "creator",
    f"{_CONTENT_NS} encoded": "content",
}
_WP_ITEM_FIELDS = {
    "post_id",
    "post_date",
    "post_date_gmt",
    "post_modified",
    "post_modified_gmt",
    "comment_status",
    "post_name",
    "status",
    "post_type",
    "post_password",
}
_WP_COMMENT_FIELDS = {
    "comment_id",
    "comment_author",
    "comment_author_email",
    "comment_author_url",
    "comment_author_IP",
    "comment_date",
    "comment_date_gmt",
    "comment_content",
    "comment_approved",
    "comment_type",
    "comment_parent",
}
_WP_CHANNEL_FIELDS = {"base_site_url", "base_blog_url", "wxr_version"}


def comment_source_id(post_source_id: str, old_id: str) -> str:
    """A comment is stored under ``<site>/comment/<id>``, beside its post's ``<site>/post/<id>``."""
    return post_source_id.rsplit("/post/", 1)[0] + "/comment/" + old_id


def parse_wxr(
    path: str | Path,
    *,
    warn: Callable[[str], None] | None = None,
    site_timezone: tzinfo | None = None,
    **_options,
) -> Iterator[PostRecord]:
    """Yield each post or page of a WXR export, with its comments, as it is read."""
    handler = _WxrHandler(str(path), warn or (lambda _message: None), site_timezone or UTC)
    with open(path, "rb") as stream:
        yield from feed(handler.parser, stream, str(path), handler.ready, handler.context)
    if handler.wp_ns is None:
        raise ImportFormatError(
            _("not a WordPress export: no wordpress.org/export/ namespace"),
            path=str(path),
            line=1,
        )


class _WxrHandler:
    def __init__(self, path: str, warn: Callable[[str], None], site_tz: tzinfo):
        self.path = path
        self.warn = warn
        self.site_tz = site_tz
        self.parser = create_parser(path)
        self.names: dict[str, tuple[int, str]] = {}
        self.ready: list[PostRecord] = []
        self.channel: dict[str, str] = {}
        self.wp_ns: str | None = None
        self.item: dict[str, str] | None = None
        self.item_line = 0
        self.item_count = 0
        self.comments: list[tuple[dict[str, str], int]] = []
        self.comment: dict[str, str] | None = None
        self.comment_line = 0
        self.site_key: str | None = None
        # source_id -> hash of (author, date) of the first comment with that id
        self.seen_comment_ids: dict[str, int] = {}
        # a post's source_id -> (its label, line, content key), to name both of a repeated id
        self.seen_posts: dict[str, tuple[str, int, str]] = {}
        self.meta: dict[str, str] = {}
        self.old_links: list[str] = []
        self.install_handlers()

    # -- expat handlers ------------------------------------------------------------------
    def classify(self, name: str) -> tuple[int, str]:
        uri, _sep, local = name.rpartition(" ")
        meaning = (_OTHER, "")
        if uri and _WP_NS.match(uri):
            if self.wp_ns is None:
                self.wp_ns = uri
            if local == "comment":
                meaning = (_COMMENT, "")
            elif local in ("postmeta", "commentmeta"):
                meaning = (_META, "")
            elif local in ("meta_key", "meta_value"):
                meaning = (_META_FIELD, local)
            elif local in _WP_COMMENT_FIELDS:
                meaning = (_COMMENT_FIELD, local)
            elif local in _WP_ITEM_FIELDS:
                meaning = (_ITEM_FIELD, local)
            elif local in _WP_CHANNEL_FIELDS:
                meaning = (_CHANNEL_FIELD, local)
        elif name == "item":
            meaning = (_ITEM, "")
        elif name in _ITEM_FIELDS:
            meaning = (_ITEM_FIELD, _ITEM_FIELDS[name])
        self.names[name] = meaning
        return meaning

    def install_handlers(self) -> None:
        # Closures over locals: these run for every element of a file that may be 1 GB.
        names = self.names
        classify = self.classify
        buf: list[str] = []
        parser = self.parser
        parser.CharacterDataHandler = buf.append
        clear = buf.clear
        join = "".join
        ready = self.ready

        def start(name, _attrs):
            clear()
            scope = (names.get(name) or classify(name))[0]
            if scope == _ITEM:
                self.item = {}
                self.comments = []
                self.old_links = []
                self.item_line = parser.CurrentLineNumber
                self.item_count += 1
            elif scope == _COMMENT and self.item is not None:
                self.comment = {}
                self.comment_line = parser.CurrentLineNumber

        def end(name):
            scope, key = names[name]
            if scope == _OTHER:
                return
            if scope == _COMMENT_FIELD:
                comment = self.comment
                if comment is not None:
                    comment[key] = join(buf)
            elif scope == _ITEM_FIELD:
                if self.item is not None and self.comment is None:
                    self.item[key] = join(buf)
                elif self.item is None and key == "link":
                    self.channel.setdefault("link", join(buf))
            elif scope == _COMMENT:
                if self.comment is not None:
                    self.comments.append((self.comment, self.comment_line))
                    self.comment = None
            elif scope == _ITEM:
                if self.item is not None:
                    record = self.finish_item()
                    if record is not None:
                        ready.append(record)
                    self.item = None
                    self.comments = []
            elif scope == _CHANNEL_FIELD and self.item is None:
                self.channel[key] = join(buf).strip()
            elif scope == _META_FIELD:
                self.meta[key] = join(buf)
            elif scope == _META:
                self.end_meta()

        parser.StartElementHandler = start
        parser.EndElementHandler = end

    def end_meta(self) -> None:
        key = self.meta.get("meta_key", "").strip()
        value = self.meta.get("meta_value", "")
        self.meta = {}
        if not key.startswith(META_PREFIX) or self.item is None:
            return
        if self.comment is not None:
            self.comment[key] = value
        elif key == META_OLD_LINK:
            self.old_links.append(value.strip())
        else:
            self.item[key] = value

    def context(self) -> str | None:
        if self.item is None:
            return None
        label = f"<item> #{self.item_count}"
        if self.item.get("post_id"):
            label += f" (wp:post_id {self.item['post_id'].strip()})"
        if self.comment is not None:
            label = _("%(element)s in %(item)s") % {"element": "<wp:comment>", "item": label}
        return label

    # -- records -------------------------------------------------------------------------
    def site(self) -> str:
        if self.site_key is None:
            url = (
                self.channel.get("base_blog_url")
                or self.channel.get("link")
                or self.channel.get("base_site_url")
                or ""
            )
            parts = urlsplit(url.strip())
            self.site_key = (parts.netloc + parts.path).rstrip("/") or "wordpress"
        return self.site_key

    @staticmethod
    def first_import(item) -> tuple[str, str] | None:
        """``(source, source_id)`` an item of this site's export names its post by
        (``META_SOURCE``, ``META_SOURCE_ID``), or None for another site's item or an older
        export's."""
        source = item.get(META_SOURCE, "").strip()
        source_id = item.get(META_SOURCE_ID, "").strip()
        if source in FIRST_IMPORT_SOURCES and source_id:
            return source, source_id
        return None

    def post_key(
        self, item, post_id: str, label: str, title: str, first_import: tuple[str, str] | None
    ) -> str | None:
        """The post's source_id (``first_import``'s, when the item names one); a second item
        with a used ``wp:post_id`` gets its own (or is skipped when it is the same post
        again), with a warning naming both items."""
        guid = item.get("guid", "").strip()
        if first_import:
            key = first_import[1]
        else:
            key = f"{self.site()}/post/{post_id or content_key(guid, title)}"
        content = content_key(guid, title, item.get("post_date_gmt", "").strip())
        first = self.seen_posts.get(key)
        if first is None:
            self.seen_posts[key] = (label, self.item_line, content)
            return key
        first_label, first_line, first_content = first
        names = {
            "item": label,
            "line": self.item_line,
            "first": first_label,
            "first_line": first_line,
            "title": repr(title),
        }
        if first_content == content:
            self.warn(
                _(
                    "%(item)s (line %(line)d) %(title)s repeats %(first)s (line "
                    "%(first_line)d) with the same wp:post_id, title and date: skipped"
                )
                % names
            )
            return None
        self.warn(
            _(
                "%(item)s (line %(line)d) %(title)s has the same wp:post_id as %(first)s (line "
                "%(first_line)d): imported as a separate post"
            )
            % names
        )
        key = f"{key}~{content}"
        self.seen_posts.setdefault(key, (label, self.item_line, content))
        return key

    def is_public(self, item, label: str, title: str) -> bool:
        """Only a published post without a password is public; anything else is imported as a
        draft, with its comments, and a warning."""
        status = item.get("status", "publish").strip() or "publish"
        if item.get("post_password", "").strip():
            reason = _("password-protected")
        elif status == "publish":
            return True
        else:
            reason = _NOT_PUBLIC.get(status)
            reason = _(reason) if reason else _("in status %(status)s") % {"status": repr(status)}
        count = len(self.comments)
        self.warn(
            ngettext(
                "%(item)s %(title)s is %(reason)s: imported as a draft, not published, with "
                "its %(count)d comment",
                "%(item)s %(title)s is %(reason)s: imported as a draft, not published, with "
                "its %(count)d comments",
                count,
            )
            % {"item": label, "title": repr(title), "reason": reason, "count": count}
        )
        return False

    def old_urls(self, item, post_id: str) -> list[str]:
        """The addresses the post had: its link, its guid when a URL, ``?p=<id>``.

        An item of this site's export (``META_BODY_FORMAT``) had only its link and its
        ``old_link`` meta: its ``wp:post_id`` is that site's own id, which no old link named,
        and which the ``?p=<id>`` of another post's old WordPress address may use; an older
        export wrote that id as its guid too."""
        urls = [item.get("link", "").strip()]
        if META_BODY_FORMAT in item:
            return [url for url in urls + self.old_links if url]
        guid = item.get("guid", "").strip()
        if guid.startswith(("http://", "https://", "/")):
            urls.append(guid)
        base = self.channel.get("base_blog_url") or self.channel.get("link") or ""
        if post_id.isdigit() and base.strip():
            urls.append(base.strip().rstrip("/") + f"/?p={post_id}")
        return [url for url in urls + self.old_links if url]

    def date(self, value: str | None, tz: tzinfo | None, element: str, line: int):
        try:
            return parse_sql_datetime(value, tz)
        except ValueError:
            raise ImportFormatError(
                _("unknown date %(date)s") % {"date": repr(value)},
                path=self.path,
                element=element,
                line=line,
            ) from None

    @staticmethod
    def optional_date(value: str | None, tz: tzinfo | None):
        """A date the import can do without (when a post was last changed): None if unreadable."""
        try:
            return parse_sql_datetime(value, tz)
        except ValueError:
            return None

    @staticmethod
    def title(item) -> str:
        """The title as its readers saw it, as plain text (pages and feeds escape it).

        WordPress keeps a title as HTML and shows it as such ("Title <em>With</em> Markup",
        "Fish &amp; Chips"). An item of this site's export holds a plain title HTML-escaped:
        decoded once, it is exactly the title again, white space and all."""
        raw = item.get("title", "")
        if META_BODY_FORMAT in item:
            return html.unescape(raw.strip())
        return plain_text(raw)

    def untitled(self, raw_title: str, post_type: str, post_id: str, label: str) -> str:
        """The stand-in title of an item without one; a title that showed no text (only
        markup) is named in a warning."""
        untitled = f"Untitled {post_type} {post_id}".strip()
        if raw_title.strip():
            self.warn(
                _("%(item)s: its title %(title)s has no text: imported as %(untitled)s")
                % {"item": label, "title": repr(raw_title.strip()), "untitled": repr(untitled)}
            )
        return untitled

    def finish_item(self) -> PostRecord | None:
        item = self.item
        title = self.title(item)
        # Keys made from a title (an item without wp:post_id) are made as before titles were
        # plain text, so a re-import of a file imported then finds its posts.
        key_title = html.unescape(item.get("title", "").strip())
        post_type = item.get("post_type", "post").strip() or "post"
        post_id = item.get("post_id", "").strip()
        label = f"<item> #{self.item_count}" + (f" (wp:post_id {post_id})" if post_id else "")
        if post_type not in _POST_TYPES:
            if self.comments:
                count = len(self.comments)
                self.warn(
                    ngettext(
                        "%(item)s %(title)s is a %(type)s, not a post or page: skipped with "
                        "its %(count)d comment",
                        "%(item)s %(title)s is a %(type)s, not a post or page: skipped with "
                        "its %(count)d comments",
                        count,
                    )
                    % {"item": label, "title": repr(title), "type": repr(post_type), "count": count}
                )
            return None
        site = self.site()
        first_import = self.first_import(item)
        post_key = self.post_key(item, post_id, label, key_title, first_import)
        if post_key is None:
            return None
        published_at = self.date(
            item.get("post_date_gmt"), UTC, label, self.item_line
        ) or self.date(item.get("post_date"), self.site_tz, label, self.item_line)
        if published_at is None and item.get("pub_date", "").strip():
            try:
                published_at = parsedate_to_datetime(item["pub_date"].strip()).astimezone(UTC)
            except (TypeError, ValueError):
                published_at = None
        modified_at = self.optional_date(item.get("post_modified_gmt"), UTC) or (
            self.optional_date(item.get("post_modified"), self.site_tz)
        )
        # WordPress keeps a non-ASCII post_name percent-encoded ("%ce%b5%cf%80…").
        post_name = unquote(item.get("post_name", ""))
        slug = keep_or_slugify(post_name) or slugify(title) or f"{post_type}-{post_id}"
        published = self.is_public(item, label, title)
        post = PostRecord(
            source=first_import[0] if first_import else SOURCE,
            source_id=post_key,
            title=title or self.untitled(item.get("title", ""), post_type, post_id, label),
            slug=slug,
            body=item.get("content", ""),
            body_format=HTML if item.get(META_BODY_FORMAT, "").strip() == HTML else AUTOP,
            author_name=html.unescape(item.get("creator", "").strip()),
            published_at=published_at,
            modified_at=modified_at,
            published=published,
            comments_open=item.get("comment_status", "open").strip() == "open",
            listed=post_type != "page",
            link=item.get("link", "").strip(),
            old_urls=self.old_urls(item, post_id),
            location=f"{label}, line {self.item_line}",
        )
        comments = post.comments
        by_id: dict[str, CommentRecord] = {}
        prefix = f"{site}/comment/"
        # prefix + wp:comment_id -> the source id the item names, for the replies' parents
        first_ids: dict[str, str] = {}
        site_tz = self.site_tz
        warn = self.warn
        located = _("%(element)s in %(item)s")  # translated once, not per comment
        for order, (data, line) in enumerate(self.comments):
            comment_id = data.get("comment_id", "").strip()
            element = located % {
                "element": f"<wp:comment> {comment_id or '#' + str(order + 1)}",
                "item": label,
            }
            first_id = data.get(META_SOURCE_ID, "").strip() if first_import else ""
            # This site's export: the comment's id there, for its address to keep naming it.
            keep_id = int(comment_id) if first_import and comment_id.isdigit() else None
            if not comment_id:
                comment_id = "k" + content_key(
                    post_key,
                    data.get("comment_author", ""),
                    data.get("comment_date_gmt", ""),
                    data.get("comment_content", ""),
                )
            source_id = prefix + comment_id
            if first_id:
                first_ids[source_id] = first_id
                source_id = first_id
            author = data.get("comment_author", "")
            date = data.get("comment_date_gmt", "") or data.get("comment_date", "")
            identity = hash((author.strip(), date.strip()))
            seen = self.seen_comment_ids
            if source_id not in seen:
                seen[source_id] = identity
            else:
                if seen[source_id] == identity:
                    warn(
                        _(
                            "%(element)s (line %(line)d): duplicate comment id, "
                            "the second copy is skipped"
                        )
                        % {"element": element, "line": line}
                    )
                    continue
                # Another comment under a used id (WordPress's importer tells comments apart
                # by author and date, not by id): keyed by those, so a re-import finds it.
                source_id += "~" + content_key(author.strip(), date.strip())
                if source_id in seen:
                    warn(
                        _(
                            "%(element)s (line %(line)d): duplicate comment id, "
                            "the second copy is skipped"
                        )
                        % {"element": element, "line": line}
                    )
                    continue
                seen[source_id] = identity
                warn(
                    _(
                        "%(element)s (line %(line)d): comment id used before by a comment "
                        "with another author or date; imported as a separate comment"
                    )
                    % {"element": element, "line": line}
                )
            parent = data.get("comment_parent", "").strip()
            created = self.date(data.get("comment_date_gmt"), UTC, element, line) or self.date(
                data.get("comment_date"), site_tz, element, line
            )
            approved = data.get("comment_approved", "1").strip()
            status = _STATUS.get(approved)
            if status is None:
                warn(
                    _("%(element)s (line %(line)d): unknown approval %(value)s, kept as pending")
                    % {"element": element, "line": line, "value": repr(approved)}
                )
                status = PENDING
            record = CommentRecord(
                source_id=source_id,
                parent_source_id=prefix + parent if parent and parent != "0" else None,
                author_name=html.unescape(data.get("comment_author", "").strip()),
                author_email=data.get("comment_author_email", "").strip(),
                author_url=data.get("comment_author_url", "").strip(),
                ip_address=clean_ip(data.get("comment_author_IP")),
                body=data.get("comment_content", ""),
                body_format=AUTOP,
                body_html=data.get(META_BODY_HTML),
                created_at=created,
                edited_at=self.optional_date(data.get(META_EDITED_AT), UTC),
                date_only=data.get(META_DATE_ONLY, "").strip() == "1",
                keep_id=keep_id if keep_id and keep_id <= MAX_KEPT_ID else None,
                status=status,
                kind=_KINDS.get(data.get("comment_type", "").strip(), COMMENT),
                order=order,
                location=f"{element}, line {line}",
            )
            by_id[source_id] = record
            comments.append(record)
        for record in comments:
            if first_ids and record.parent_source_id in first_ids:
                record.parent_source_id = first_ids[record.parent_source_id]
            if record.created_at is None:  # the parent's date, then the post's
                parent = by_id.get(record.parent_source_id or "")
                seen = set()
                while parent is not None and parent.created_at is None and id(parent) not in seen:
                    seen.add(id(parent))
                    parent = by_id.get(parent.parent_source_id or "")
                record.created_at = (parent.created_at if parent else None) or published_at
        return post
