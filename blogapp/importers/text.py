"""Plain-text page archive: a blog page saved as text, its structure read from indentation.

Layout (see ``blogapp/demo/`` for a complete example)::

    Title line

    Body paragraph…

      1. Author                  top-level comment: number at indent 2
                                 (a blank line may follow any line)
        / April 27, 2017         date line (often with non-breaking spaces around "/")
        Body, indented two more than the marker.
        • Replier                reply: bullet two spaces deeper per level
          / April 27, 2017
          Reply body.
      2. A comment that lost its author and date starts its body on the marker line.

      1. Title of a linking page  numbering restarts: the pingback list

A marker whose next non-blank line is not a date line has no author: its text is the body.
Undated comments take their parent's date (top-level ones the previous comment's); pingbacks
and the post take the first comment's date.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .errors import ImportFormatError
from .records import APPROVED, COMMENT, PINGBACK, TEXT, CommentRecord, PostRecord
from .util import ascii_key, content_key, slugify

SOURCE = "text"

_NUMBERED = re.compile(r"(\d+)\.(?:\s+(.*))?$")
_BULLET = re.compile(r"•(?:\s+(.*))?$")
# "/  April 27, 2017", spaces or no-break spaces around the slash; the date starts with a
# letter or digit, so a body line such as "/r/gardening" is not mistaken for one.
_DATE_LINE = re.compile(r"\s*/\s+(\w.*?)\s*$")
_DATE_FORMATS = (
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y-%m-%d",
    "%B %d, %Y at %I:%M %p",
    "%B %d, %Y at %H:%M",
    "%Y-%m-%d %H:%M",
)
_MANY_BLANKS = re.compile(r"\n{3,}")


def parse_date(text: str) -> datetime | None:
    """A date as written on the page -> aware UTC datetime, or None if unrecognised."""
    text = " ".join(text.replace("\xa0", " ").split())
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


@dataclass(slots=True)
class _Node:
    line: int
    level: int
    body_indent: int
    parent: _Node | None
    author: str = ""
    date: datetime | None = None
    kind: str = COMMENT
    body: list[str] = field(default_factory=list)
    source_id: str = ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def parse_text(
    path: str | Path, *, warn: Callable[[str], None] | None = None, **_options
) -> Iterator[PostRecord]:
    """Yield the one post a text archive holds, with its comments in page order."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFormatError(_("not UTF-8 text"), path=str(path), line=line) from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(8).split("\n")
    yield _TextParser(str(path), lines).parse()


class _TextParser:
    def __init__(self, path: str, lines: list[str]):
        self.path = path
        self.lines = lines

    def error(self, message: str, line: int) -> ImportFormatError:
        return ImportFormatError(message, path=self.path, line=line)

    def is_top_marker(self, line: str) -> bool:
        return _indent(line) == 2 and _NUMBERED.match(line, 2) is not None

    def parse(self) -> PostRecord:
        lines, n = self.lines, len(self.lines)
        i = 0
        while i < n and not lines[i].strip():
            i += 1
        if i == n:
            raise self.error(_("empty file: no title line"), 1)
        if self.is_top_marker(lines[i]):
            raise self.error(_("the first line must be the post title, not a comment"), i + 1)
        title = lines[i].strip()
        i += 1
        body_lines = []
        while i < n and not self.is_top_marker(lines[i]):
            body_lines.append(lines[i].strip())
            i += 1
        body = _MANY_BLANKS.sub("\n\n", "\n".join(body_lines)).strip()

        nodes = self.parse_comments(i)
        first_date = next((node.date for node in nodes if node.date), None)
        post_date = nodes[0].date if nodes and nodes[0].date else first_date
        previous = None
        for node in nodes:
            if node.date is None:
                if node.kind == PINGBACK:
                    node.date = post_date
                elif node.parent is not None:
                    node.date = node.parent.date
                else:
                    node.date = previous or first_date
            previous = node.date

        post_key = ascii_key(title) or content_key(title)
        records = []
        seen: set[str] = set()
        for order, node in enumerate(nodes):
            comment_body = _MANY_BLANKS.sub("\n\n", "\n".join(node.body)).strip()
            parent_id = node.parent.source_id if node.parent else ""
            stamp = node.date.isoformat() if node.date else ""
            key = content_key(parent_id, node.kind, node.author, stamp, comment_body)
            unique, count = key, 1
            while unique in seen:
                count += 1
                unique = f"{key}-{count}"
            seen.add(unique)
            node.source_id = f"{post_key}/{unique}"
            records.append(
                CommentRecord(
                    source_id=node.source_id,
                    parent_source_id=node.parent.source_id if node.parent else None,
                    author_name=node.author,
                    body=comment_body,
                    body_format=TEXT,
                    created_at=node.date,
                    date_only=node.date is not None,  # a text archive gives days, no times
                    status=APPROVED,
                    kind=node.kind,
                    order=order,
                    location=f"line {node.line}",
                )
            )
        return PostRecord(
            source=SOURCE,
            source_id=post_key,
            title=title,
            slug=slugify(title) or "post",
            body=body,
            body_format=TEXT,
            published_at=post_date,
            location="line 1",
            comments=records,
        )

    def parse_comments(self, i: int) -> list[_Node]:
        lines, n = self.lines, len(self.lines)
        nodes: list[_Node] = []
        stack: list[_Node] = []
        last_number = 0
        in_pingbacks = False
        while i < n:
            line = lines[i]
            lineno = i + 1
            if not line.strip():
                if stack:
                    stack[-1].body.append("")
                i += 1
                continue
            indent = _indent(line)
            numbered = _NUMBERED.match(line, indent) if indent == 2 else None
            bullet = None if numbered else _BULLET.match(line, indent)
            if numbered is None and bullet is None:
                if not stack:
                    raise self.error(_("text outside any comment"), lineno)
                top = stack[-1]
                if indent < top.body_indent:
                    raise self.error(
                        ngettext(
                            "text indented %(indent)d space inside the comment of line "
                            "%(line)d, whose body is indented %(body_indent)d",
                            "text indented %(indent)d spaces inside the comment of line "
                            "%(line)d, whose body is indented %(body_indent)d",
                            indent,
                        )
                        % {"indent": indent, "line": top.line, "body_indent": top.body_indent},
                        lineno,
                    )
                top.body.append(line.strip())
                i += 1
                continue

            if numbered:
                number = int(numbered.group(1))
                if number == 1 and last_number >= 1:
                    in_pingbacks = True  # the numbering restarts: the list of pingbacks
                last_number = number
                level = 0
                text = numbered.group(2) or ""
            else:
                if indent % 2:
                    raise self.error(
                        ngettext(
                            "odd indentation (%(indent)d space) for a reply",
                            "odd indentation (%(indent)d spaces) for a reply",
                            indent,
                        )
                        % {"indent": indent},
                        lineno,
                    )
                level = indent // 2 - 1
                if level < 1:
                    raise self.error(
                        _("a reply bullet at indent %(indent)d; replies start at indent 4")
                        % {"indent": indent},
                        lineno,
                    )
                if level > len(stack):
                    raise self.error(
                        _(
                            "indentation jumps from level %(before)d to level %(level)d "
                            "(replies are indented two spaces per level)"
                        )
                        % {"before": len(stack) - 1, "level": level},
                        lineno,
                    )
                text = bullet.group(1) or ""
            del stack[level:]
            parent = stack[-1] if stack else None
            node = _Node(line=lineno, level=level, body_indent=indent + 2, parent=parent)
            node.kind = PINGBACK if in_pingbacks and level == 0 else COMMENT

            j = i + 1
            while j < n and not lines[j].strip():
                j += 1
            date_match = None
            if j < n and _indent(lines[j]) > indent:
                date_match = _DATE_LINE.match(lines[j])
            if date_match:
                node.date = parse_date(date_match.group(1))
                if node.date is None:
                    raise self.error(
                        _("unknown date %(date)s") % {"date": repr(date_match.group(1))}, j + 1
                    )
                node.author = text.strip()
                i = j + 1
            else:
                if node.kind == PINGBACK:
                    node.author = text.strip()  # a pingback shows the linking page's title
                elif text.strip():
                    node.body.append(text.strip())
                i += 1
            nodes.append(node)
            stack.append(node)
        return nodes
