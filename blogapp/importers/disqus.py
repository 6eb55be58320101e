"""Disqus XML export: ``<thread>`` elements become posts, ``<post>`` elements comments.

Threads and posts are separate lists in the file and a post may come before its thread, so the
posts are gathered (as small records) before the threads that have comments are yielded, in file
order. A thread with no comments creates nothing; a comment whose thread is not in the file is
reported in a warning and skipped (there is no post to attach it to).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ImportFormatError
from .records import APPROVED, HTML, REMOVED, SPAM, CommentRecord, PostRecord
from .util import clean_ip, slugify
from .xmlsafe import create_parser, feed

SOURCE = "disqus"
_NS = "http://disqus.com "
_DSQ_ID = "http://disqus.com/disqus-internals id"
_TRUE = {"true", "1"}


def parse_disqus(
    path: str | Path, *, warn: Callable[[str], None] | None = None, **_options
) -> Iterator[PostRecord]:
    """Yield one post per Disqus thread that has comments."""
    path = str(path)
    warn = warn or (lambda _message: None)
    handler = _DisqusHandler(path)
    with open(path, "rb") as stream:
        for _ in feed(handler.parser, stream, path, handler.ready, handler.context):
            pass
    if not handler.root_seen:
        raise ImportFormatError("not a Disqus export: no <disqus> root", path=path, line=1)

    threads = handler.threads
    by_thread: dict[str, list[CommentRecord]] = {}
    for order, (data, line) in enumerate(handler.posts):
        post_id = data.get("@id", "")
        element = f"<post dsq:id={post_id!r}>"
        thread_id = data.get("thread@id", "")
        if thread_id not in threads:
            warn(
                f"{element} (line {line}) by {data.get('author.name', '')!r} belongs to thread "
                f"{thread_id!r}, which is not in the file: skipped"
            )
            continue
        if not post_id:
            raise ImportFormatError(
                "a <post> without dsq:id", path=path, element=element, line=line
            )
        status = APPROVED
        if data.get("isSpam", "").strip().lower() in _TRUE:
            status = SPAM
        if data.get("isDeleted", "").strip().lower() in _TRUE:
            status = REMOVED
        parent = data.get("parent@id", "")
        by_thread.setdefault(thread_id, []).append(
            CommentRecord(
                source_id=post_id,
                parent_source_id=parent or None,
                author_name=(data.get("author.name") or data.get("author.username") or "").strip(),
                author_email=data.get("author.email", "").strip(),
                ip_address=clean_ip(data.get("ipAddress")),
                body=data.get("message", ""),
                body_format=HTML,
                created_at=_date(data.get("createdAt"), path, element, line),
                status=status,
                order=order,
                location=f"{element}, line {line}",
            )
        )

    for thread_id, (data, line) in threads.items():
        comments = by_thread.get(thread_id)
        if not comments:
            continue
        element = f"<thread dsq:id={thread_id!r}>"
        link = data.get("link", "").strip()
        path_part = urlsplit(link).path.rstrip("/")
        if path_part.endswith(("/index.html", "/index.htm", "/index.php")):
            path_part = path_part.rsplit("/", 1)[0]
        link_slug = slugify(path_part.rsplit("/", 1)[-1]) if path_part else ""
        title = data.get("title", "").strip()
        published_at = _date(data.get("createdAt"), path, element, line) or min(
            (c.created_at for c in comments if c.created_at), default=None
        )
        for comment in comments:
            if comment.created_at is None:
                comment.created_at = published_at
        yield PostRecord(
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
            match_existing_slug=bool(link_slug),
            location=f"{element}, line {line}",
            comments=comments,
        )


def _date(value: str | None, path: str, element: str, line: int) -> datetime | None:
    if not value or not value.strip():
        return None
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ImportFormatError(
            f"unknown date {value.strip()!r}", path=path, element=element, line=line
        ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


class _DisqusHandler:
    """Collects ``thread`` and ``post`` children of the root as flat dicts."""

    def __init__(self, path: str):
        self.path = path
        self.parser = parser = create_parser(path)
        self.ready: list = []
        self.root_seen = False
        self.threads: dict[str, tuple[dict[str, str], int]] = {}
        self.posts: list[tuple[dict[str, str], int]] = []
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
                    f"not a Disqus export: root element <{local}>",
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
                        "duplicate thread id",
                        path=self.path,
                        element=f"<thread dsq:id={thread_id!r}>",
                        line=self.record_line,
                    )
                self.threads[thread_id] = (record, self.record_line)
            else:
                self.posts.append((record, self.record_line))
            self.record = None
        elif depth == 2:
            record.setdefault(local, "".join(self.buf))
        elif depth == 3 and self.stack[2] == "author":
            record[f"author.{local}"] = "".join(self.buf)
