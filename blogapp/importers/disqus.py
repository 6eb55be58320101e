"""Disqus XML export: ``<thread>`` elements become posts, ``<post>`` elements comments.

Threads and posts are separate lists in the file, and one thread's posts may be spread all over
it (even before the thread), so the file is read once while each post is checked and written
to a temporary spool file; only the threads and the spool offsets of each thread's posts stay in
memory. Then the threads that have comments are yielded in file order, each with its posts read
back from the spool. A malformed post stops the import before any thread is yielded. A thread
with no comments creates nothing; a comment whose thread is not in the file is reported in a
warning and skipped (there is no post to attach it to).
"""

from __future__ import annotations

import marshal
import tempfile
from array import array
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext as _

from .errors import ImportFormatError
from .records import APPROVED, HTML, REMOVED, SPAM, CommentRecord, PostRecord
from .util import clean_ip, slugify
from .xmlsafe import create_parser, feed

SOURCE = "disqus"
_NS = "http://disqus.com "
_DSQ_ID = "http://disqus.com/disqus-internals id"
_TRUE = {"true", "1"}


def comment_source_id(_post_source_id: str, old_id: str) -> str:
    """A Disqus comment is stored under its ``dsq:id``, which its anchor names
    (``#comment-<id>``)."""
    return old_id


def parse_disqus(
    path: str | Path, *, warn: Callable[[str], None] | None = None, **_options
) -> Iterator[PostRecord]:
    """Yield one post per Disqus thread that has comments; warn of each that has none."""
    path = str(path)
    warn = warn or (lambda _message: None)
    with tempfile.TemporaryFile() as spool_file:
        spool = _PostSpool(spool_file)
        handler = _DisqusHandler(path, spool)
        with open(path, "rb") as stream:
            for _record in feed(handler.parser, stream, path, handler.ready, handler.context):
                pass
        if not handler.root_seen:
            raise ImportFormatError(_("not a Disqus export: no <disqus> root"), path=path, line=1)

        threads = handler.threads
        for thread_id in spool.thread_ids():
            if thread_id not in threads:
                for comment in spool.read(thread_id):
                    warn(
                        _(
                            "%(comment)s by %(author)s belongs to thread %(thread)s, which is "
                            "not in the file: skipped"
                        )
                        % {
                            "comment": comment.location,
                            "author": repr(comment.author_name),
                            "thread": repr(thread_id),
                        }
                    )
        for thread_id, (data, line) in threads.items():
            if spool.has(thread_id):
                yield _post_record(thread_id, data, line, list(spool.read(thread_id)), path)
            else:
                _warn_empty_thread(thread_id, data, line, warn)


def _warn_empty_thread(
    thread_id: str, data: dict[str, str], line: int, warn: Callable[[str], None]
) -> None:
    """A thread without comments makes no post (Disqus keeps one for every page it was
    loaded on); the warning names it, so nothing leaves the file without a word."""
    names = {"thread": f"<thread dsq:id={thread_id!r}>", "line": line}
    address = data.get("link", "").strip() or data.get("title", "").strip()
    if address:
        names["address"] = repr(address)
        warn(_("%(thread)s (line %(line)d) %(address)s has no comments: skipped") % names)
    else:
        warn(_("%(thread)s (line %(line)d) has no comments: skipped") % names)


def _post_record(
    thread_id: str, data: dict[str, str], line: int, comments: list[CommentRecord], path: str
) -> PostRecord:
    element = f"<thread dsq:id={thread_id!r}>"
    link = data.get("link", "").strip()
    path_part = urlsplit(link).path.rstrip("/")
    if path_part.endswith(("/index.html", "/index.htm", "/index.php")):
        path_part = path_part.rsplit("/", 1)[0]
    link_slug = slugify(unquote(path_part.rsplit("/", 1)[-1])) if path_part else ""
    title = data.get("title", "").strip()
    published_at = _date(data.get("createdAt"), path, element, line) or min(
        (c.created_at for c in comments if c.created_at), default=None
    )
    for comment in comments:
        if comment.created_at is None:
            comment.created_at = published_at
    return PostRecord(
        source=SOURCE,
        source_id=thread_id,
        title=title or link_slug.replace("-", " ").capitalize() or f"Thread {thread_id}",
        slug=link_slug or slugify(title) or f"thread-{thread_id}",
        body=data.get("message", ""),
        body_format=HTML,
        author_name=data.get("author.name", "").strip(),
        published_at=published_at,
        published=data.get("isDeleted", "").strip().lower() not in _TRUE,
        comments_open=data.get("isClosed", "").strip().lower() not in _TRUE,
        link=link,
        old_urls=[link] if link else [],
        match_existing_slug=bool(link_slug),
        location=f"{element}, line {line}",
        comments=comments,
    )


def _comment_fields(data: dict[str, str], order: int, line: int, path: str) -> tuple:
    """A ``<post>``'s comment, checked, as a tuple of plain values the spool can store."""
    post_id = data.get("@id", "")
    element = f"<post dsq:id={post_id!r}>"
    if not post_id:
        raise ImportFormatError(_("a <post> without dsq:id"), path=path, element=element, line=line)
    status = APPROVED
    if data.get("isSpam", "").strip().lower() in _TRUE:
        status = SPAM
    if data.get("isDeleted", "").strip().lower() in _TRUE:
        status = REMOVED
    created_at = _date(data.get("createdAt"), path, element, line)
    return (
        post_id,
        data.get("parent@id", "") or None,
        (data.get("author.name") or data.get("author.username") or "").strip(),
        data.get("author.email", "").strip(),
        clean_ip(data.get("ipAddress")),
        data.get("message", ""),
        created_at.timetuple()[:6] + (created_at.microsecond,) if created_at else None,
        status,
        order,
        f"{element}, line {line}",
    )


def _comment_record(fields: tuple) -> CommentRecord:
    post_id, parent, name, email, ip, message, created, status, order, location = fields
    return CommentRecord(
        source_id=post_id,
        parent_source_id=parent,
        author_name=name,
        author_email=email,
        ip_address=ip,
        body=message,
        body_format=HTML,
        created_at=datetime(*created, tzinfo=UTC) if created else None,
        status=status,
        order=order,
        location=location,
    )


class _PostSpool:
    """Comments kept on disk until their thread is loaded; memory holds 8 bytes per comment."""

    def __init__(self, file: BinaryIO):
        self._file = file
        self._end = 0
        self._offsets: dict[str, array] = {}

    def add(self, thread_id: str, fields: tuple) -> None:
        data = marshal.dumps(fields)
        self._offsets.setdefault(thread_id, array("q")).append(self._end)
        self._file.write(len(data).to_bytes(4, "little"))
        self._file.write(data)
        self._end += 4 + len(data)

    def thread_ids(self) -> list[str]:
        return list(self._offsets)

    def has(self, thread_id: str) -> bool:
        return thread_id in self._offsets

    def read(self, thread_id: str) -> Iterator[CommentRecord]:
        """The thread's comments in file order (each thread is read once)."""
        file = self._file
        for offset in self._offsets.pop(thread_id, ()):
            file.seek(offset)
            size = int.from_bytes(file.read(4), "little")
            # Our own temporary file, written above: not outside input.
            yield _comment_record(marshal.loads(file.read(size)))  # noqa: S302


def _date(value: str | None, path: str, element: str, line: int) -> datetime | None:
    if not value or not value.strip():
        return None
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ImportFormatError(
            _("unknown date %(date)s") % {"date": repr(value.strip())},
            path=path,
            element=element,
            line=line,
        ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


class _DisqusHandler:
    """Collects ``thread`` children of the root as flat dicts and spools ``post`` ones."""

    def __init__(self, path: str, spool: _PostSpool):
        self.path = path
        self.spool = spool
        self.post_count = 0
        self.parser = parser = create_parser(path)
        self.ready: list = []
        self.root_seen = False
        self.threads: dict[str, tuple[dict[str, str], int]] = {}
        self.stack: list[str] = []
        self.record: dict[str, str] | None = None
        self.record_kind = ""
        self.record_line = 0
        self.buf: list[str] = []
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.buf.append

    def context(self) -> str | None:
        if self.record is None:
            return None
        return f"<{self.record_kind} dsq:id={self.record.get('@id', '')!r}>"

    def start(self, name, attrs):
        self.buf.clear()
        local = name[len(_NS) :] if name.startswith(_NS) else name
        depth = len(self.stack)
        self.stack.append(local)
        if depth == 0:
            if local != "disqus":
                raise ImportFormatError(
                    _("not a Disqus export: root element <%(element)s>") % {"element": local},
                    path=self.path,
                    line=self.parser.CurrentLineNumber,
                )
            self.root_seen = True
        elif depth == 1 and local in ("thread", "post"):
            self.record = {"@id": attrs.get(_DSQ_ID, "").strip()}
            self.record_kind = local
            self.record_line = self.parser.CurrentLineNumber
        elif depth == 2 and self.record is not None and _DSQ_ID in attrs:
            self.record[f"{local}@id"] = attrs[_DSQ_ID].strip()

    def end(self, name):
        local = self.stack.pop()
        depth = len(self.stack)
        record = self.record
        if record is None:
            return
        if depth == 1:
            if self.record_kind == "thread":
                thread_id = record["@id"]
                if thread_id in self.threads:
                    raise ImportFormatError(
                        _("duplicate thread id"),
                        path=self.path,
                        element=f"<thread dsq:id={thread_id!r}>",
                        line=self.record_line,
                    )
                self.threads[thread_id] = (record, self.record_line)
            else:
                fields = _comment_fields(record, self.post_count, self.record_line, self.path)
                self.spool.add(record.get("thread@id", ""), fields)
                self.post_count += 1
            self.record = None
        elif depth == 2:
            record.setdefault(local, "".join(self.buf))
        elif depth == 3 and self.stack[2] == "author":
            record[f"author.{local}"] = "".join(self.buf)
