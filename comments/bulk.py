"""Storing an archive's comments in bulk: the import's one way to write comment rows.

``comment_create`` (``services.py``) writes one comment for the form, the admin and tests.
``comments_bulk_import`` writes an imported archive's comments, thousands per statement, and
owns everything about those rows:

- which comments are stored already, by ``(source, source_id)``: importing a file again
  creates nothing and counts them as unchanged; a newer export adds only what is new;
- parents: a comment of the same batch, else a stored comment of the same post, else the
  comment becomes top-level with a warning naming its parent (not in the file, on another
  post, the comment itself, or a parent cycle);
- the tree fields: each new tree numbered in one pass in Python, every approved comment
  with room for replies (``comments.tree``), its tree id allocated above the current maximum
  under the advisory lock ``comment_create`` takes for new threads; new replies to a stored
  comment go into a gap opened by shifting the stored thread's ``lft``/``rght`` once, under
  that thread's lock;
- the columns: ``body_html`` rendered by body format (``text.render_comment_body``), author
  links kept only when http(s), one mapping (``_row``) for both ways of inserting: PostgreSQL
  ``COPY``, ``bulk_create`` elsewhere (SQLite, as ``make run`` uses);
- the discussion versions of the posts that changed, bumped in the import's transaction.

Everything runs on the caller's connection, in the caller's transaction and thread.

An import is not news: it enqueues no task (``comments.events``), so it mails no subscriber,
alerts no moderator and calls no webhook, and it subscribes nobody. Imported comments keep
their ``source``, by which the notification fan-out skips them for good: approving an
imported held comment later is a webhook event (``comment.approved``) but mails nobody.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.db.transaction import TransactionManagementError
from django.utils.translation import gettext as _

from .avatars import avatar_key
from .cache import discussions_changed
from .locks import lock_new_threads, lock_threads
from .metrics import COMMENTS_WRITTEN, count_on_commit
from .models import Comment
from .records import CommentRecord, PostComments, fit_source_id
from .text import render_comment_body, sanitize_comment_html
from .tree import next_tree_id, number_depth_first, open_gap

LOOKUP_CHUNK = 5000  # keys per look-up of stored comments (one array parameter)
PORTABLE_LOOKUP_CHUNK = 500  # SQLite bounds the number of query parameters
BULK_CREATE_BATCH = 1000
COPY_CHUNK = 1 << 16  # characters of rows sent at a time

# The columns an imported comment fills, in the order ``_row`` gives their values.
COLUMNS = (
    "id", "post_id", "parent_id", "author_name", "author_email", "author_url", "ip_address",
    "body", "body_html", "created_at", "date_only", "edited_at", "status", "kind", "source",
    "source_id", "lft", "rght", "tree_id", "level", "avatar_key",
)  # fmt: skip


@dataclass
class BulkImportResult:
    created: int = 0
    unchanged: int = 0
    post_ids: set[int] = field(default_factory=set)  # posts whose discussion changed


def comments_bulk_import(
    *,
    batches: Iterable[Sequence[PostComments]],
    dry_run: bool = False,
    use_copy: bool | None = None,
    warn: Callable[[str], None] | None = None,
    progress: Callable[[int], None] | None = None,
    database_busy: threading.Event | None = None,
) -> BulkImportResult:
    """Store the comments of ``batches`` that are not stored yet; return what it did.

    ``batches`` yields lists of :class:`~comments.records.PostComments`. Each list is planned
    and written at once (a few thousand comments a batch keeps memory flat and the statements
    big); it is pulled only once the one before it is written, so a generator may create the
    posts of each batch as it goes. A comment may reply to one of an earlier batch.

    ``warn`` gets a message for every comment stored elsewhere than its archive says (always
    as a top-level comment); ``progress`` the number of comments of each batch handled.
    ``dry_run`` plans and counts without writing anything (``post_id`` may then be None).
    ``use_copy`` (default: on PostgreSQL) sends the rows with ``COPY`` instead of
    ``bulk_create``. ``database_busy``, when given, is set while this call has nothing to do
    but wait for PostgreSQL to finish a batch's rows (the end of each ``COPY``, its index
    entries and foreign-key checks), and cleared when it goes on: a caller may do work that
    needs no database meanwhile, e.g. parse the next batch in a thread of its own.

    Refuses to run outside ``transaction.atomic()``: its locks, its rows and the cache refresh
    belong to the caller's transaction, and a failure must leave nothing behind.
    """
    if not dry_run and not connection.in_atomic_block:
        raise TransactionManagementError(
            "comments_bulk_import writes in the caller's transaction: call it inside "
            "transaction.atomic()."
        )
    writer = _BulkWriter(
        use_copy=connection.vendor == "postgresql" if use_copy is None else use_copy,
        dry_run=dry_run,
        warn=warn or (lambda _message: None),
        progress=progress or (lambda _count: None),
        database_busy=database_busy,
    )
    check_each_copy = writer.use_copy and not dry_run
    if check_each_copy:
        # Check the foreign keys as each COPY ends rather than all at once at commit.
        _set_constraints(immediate=True)
    for batch in batches:
        writer.write(batch)
    if check_each_copy:
        _set_constraints(immediate=False)  # Django's default again
    if not dry_run:
        count_on_commit(COMMENTS_WRITTEN, writer.result.created, source="import", status="any")
        discussions_changed(writer.result.post_ids)
    return writer.result


@dataclass(slots=True, eq=False)
class _Node:
    """A comment to insert, with its tree fields once numbered."""

    record: CommentRecord
    key: str  # its source_id column
    post_id: int | None
    source: str
    parent: _Node | None = None  # a new comment it replies to
    stored_parent_id: int | None = None  # or a stored one
    children: list[_Node] = field(default_factory=list)
    pk: int | None = None
    lft: int = 0  # 0 until numbered
    rght: int = 0
    level: int = 0
    tree_id: int = 0

    @property
    def status(self) -> str:
        return self.record.status


class _BulkWriter:
    """The state of one ``comments_bulk_import`` call: what it counted and its tree ids."""

    def __init__(self, *, use_copy, dry_run, warn, progress, database_busy):
        self.use_copy = use_copy
        self.dry_run = dry_run
        self.warn = warn
        self.progress = progress
        self.database_busy = database_busy
        self.result = BulkImportResult()
        self._next_tree_id: int | None = None
        self._sequence: str | None = None

    def _id_sequence(self) -> str:
        if self._sequence is None:
            self._sequence = _id_sequence()
        return self._sequence

    def write(self, batch: Sequence[PostComments]) -> None:
        stored = _stored_by_source(batch)
        self.result.unchanged += sum(len(found) for found in stored.values())
        new_trees, new_replies = self._plan_batch(batch, stored)
        if not self.dry_run and (new_trees or new_replies):
            self._give_tree_ids(new_trees)
            self._place_under_stored_parents(new_replies)
            nodes = [node for root in new_trees + new_replies for node in _walk(root)]
            if self.use_copy:
                _copy_rows(nodes, self._id_sequence(), self.database_busy)
            else:
                _bulk_create_rows(nodes)
        self.progress(sum(len(post.comments) for post in batch))

    def _plan_batch(self, batch, stored):
        """The batch's new comments: (roots of new trees, subtrees under stored comments)."""
        new_trees: list[_Node] = []
        new_replies: list[_Node] = []
        for post in batch:
            roots, attached = self._plan(post, stored[post.source])
            if (roots or attached) and post.post_id is not None:
                self.result.post_ids.add(post.post_id)
            self.result.created += sum(_count(node) for node in roots + attached)
            new_trees.extend(roots)
            new_replies.extend(attached)
        return new_trees, new_replies

    # -- planning -------------------------------------------------------------------------
    def _plan(self, post: PostComments, stored: dict[str, tuple[int, int]]):
        """The post's new comments as trees: (new roots, new replies to stored comments)."""
        nodes: dict[str, _Node] = {}
        max_length = settings.COMMENTS_IMPORT_MAX_LENGTH
        oversized: set[str] = set()
        for record in post.comments:
            key = fit_source_id(record.source_id)
            if len(record.body) > max_length:
                self.warn(_oversized_warning(record, max_length))
                oversized.add(key)
                continue
            if key not in stored and key not in nodes:  # stored, or twice in the file
                nodes[key] = _Node(record=record, key=key, post_id=post.post_id, source=post.source)
        if not nodes:
            return [], []
        stored_parents = self._stored_parents(post.source, nodes, stored)

        roots: list[_Node] = []
        attached: list[_Node] = []
        for node in nodes.values():
            parent_key = node.record.parent_source_id
            if not parent_key:
                roots.append(node)
                continue
            parent_key = fit_source_id(parent_key)
            parent = nodes.get(parent_key)
            found = stored_parents.get(parent_key)
            if parent is not None and parent is not node:
                node.parent = parent
                parent.children.append(node)
            elif found is not None and (post.post_id is None or found[1] == post.post_id):
                node.stored_parent_id = found[0]
                attached.append(node)
            else:
                self.warn(
                    _orphan_warning(
                        node,
                        parent_key,
                        replies_to_itself=parent is node,
                        on_another_post=found is not None,
                        parent_too_long=parent_key in oversized,
                    )
                )
                roots.append(node)

        # Number the trees; whatever stays unplaced sits on a parent cycle: cut it there.
        for root in roots + attached:
            number_depth_first(root)
        for node in nodes.values():
            if not node.lft:  # not reached from any root
                self.warn(
                    _(
                        "%(location)s: comment %(comment)s is part of a parent cycle; "
                        "imported as a top-level comment"
                    )
                    % {"location": node.record.location, "comment": repr(node.record.source_id)}
                )
                if node.parent is not None:
                    node.parent.children.remove(node)
                    node.parent = None
                roots.append(node)
                number_depth_first(node)
        return roots, attached

    def _stored_parents(self, source, nodes, stored):
        """``source_id -> (pk, post_id)`` of the stored comments the new ones reply to."""
        outside = {
            fit_source_id(node.record.parent_source_id)
            for node in nodes.values()
            if node.record.parent_source_id
        } - nodes.keys()
        found = {key: stored[key] for key in outside if key in stored}
        missing = [key for key in outside if key not in stored]
        if missing:  # stored by an earlier batch or an earlier import
            found.update(_stored_comments(source, missing))
        return found

    # -- placing --------------------------------------------------------------------------
    def _give_tree_ids(self, roots: list[_Node]) -> None:
        if not roots:
            return
        if self._next_tree_id is None:
            # Held until the transaction ends: no one else allocates tree ids meanwhile.
            lock_new_threads()
            self._next_tree_id = next_tree_id()
        for root in roots:
            for node in _walk(root):
                node.tree_id = self._next_tree_id
            self._next_tree_id += 1

    def _place_under_stored_parents(self, subtrees: list[_Node]) -> None:
        """Number new replies into room made, under the thread lock, in their stored trees.

        Each stored parent's new subtrees become its last children: every stored row from
        the parent's ``rght`` on moves right by twice their size in one UPDATE, and so do the
        new rows already placed in the same tree.
        """
        if not subtrees:
            return
        by_parent: dict[int, list[_Node]] = {}
        for node in subtrees:
            by_parent.setdefault(node.stored_parent_id, []).append(node)
        tree_ids = dict(Comment.objects.filter(pk__in=by_parent).values_list("pk", "tree_id"))
        lock_threads(tree_ids.values())
        placed_by_tree: dict[int, list[_Node]] = {}
        for parent_id, children in by_parent.items():
            tree_id = tree_ids[parent_id]
            # Read under the lock: every reply moves lft/rght.
            rght, level = Comment.objects.filter(pk=parent_id).values_list("rght", "level").get()
            end = rght
            for child in children:
                end = number_depth_first(child, first=end, level=level + 1)
            gap = end - rght
            open_gap(tree_id=tree_id, at=rght, gap=gap)
            placed = placed_by_tree.setdefault(tree_id, [])
            for node in placed:
                _shift(node, at=rght, gap=gap)
            for child in children:
                for node in _walk(child):
                    node.tree_id = tree_id
                    placed.append(node)


# -- the one mapping from a record to a row ----------------------------------------------


def _row(node: _Node) -> tuple:
    """The values of ``COLUMNS`` for one new comment."""
    record = node.record
    body = record.body
    if "\x00" in body:  # PostgreSQL text cannot hold NUL
        body = body.replace("\x00", "")
    return (
        node.pk,
        node.post_id,
        node.parent.pk if node.parent is not None else node.stored_parent_id,
        record.author_name[:200],
        record.author_email[:254],
        _http_url(record.author_url),
        record.ip_address or None,
        body,
        render_comment_body(body, record.body_format)
        if record.body_html is None
        else sanitize_comment_html(record.body_html),
        record.created_at or datetime.now(UTC),
        record.date_only and record.created_at is not None,
        record.edited_at,
        record.status,
        record.kind,
        node.source,
        node.key,
        node.lft,
        node.rght,
        node.tree_id,
        node.level,
        avatar_key(email=record.author_email, name=record.author_name),
    )


def _http_url(url: str) -> str:
    """Only http(s) links survive: the page renders ``author_url`` as a link."""
    url = url.strip()
    if url[:8].lower().startswith(("http://", "https://")) and len(url) <= 500:
        return url
    return ""


# -- writing -----------------------------------------------------------------------------


def _copy_rows(nodes: list[_Node], id_sequence: str, busy: threading.Event | None) -> None:
    """One ``COPY`` of the rows, with ids drawn from the table's sequence first.

    The rows are made as the server reads them (``_CopySource``): it inserts each chunk
    while the next one is rendered, so Python and PostgreSQL work at the same time. Once the
    last row is sent, ``busy`` is set until the server has finished the statement.
    """
    _keep_ids(nodes)
    fresh = [node for node in nodes if node.pk is None]
    if fresh:
        for node, pk in zip(fresh, _reserve_ids(len(fresh), id_sequence), strict=True):
            node.pk = pk
    quote = connection.ops.quote_name
    sql = (
        f"COPY {quote(Comment._meta.db_table)} "
        f"({', '.join(quote(column) for column in COLUMNS)}) FROM STDIN"
    )
    source = _CopySource(
        (_copy_line(_row(node)) for node in nodes), at_end=busy.set if busy else None
    )
    try:
        with connection.cursor() as cursor, connection.wrap_database_errors:
            cursor.cursor.copy_expert(sql, source, COPY_CHUNK)
    finally:
        if busy is not None:
            busy.clear()


def _keep_ids(nodes: list[_Node]) -> None:
    """Give each new comment whose record keeps an id (an export of this site) that id, where
    no comment has it or may be given it; the others are left to the sequence.

    On PostgreSQL the comment table is locked against other writers until the import
    commits (only when ids are kept: a move of this site into another database), then only
    ids above the sequence's last value are kept, and the sequence is moved past them: no
    reply can be given a kept id, and none was given one before."""
    wanted = {node.record.keep_id: node for node in nodes if node.record.keep_id}
    if not wanted:
        return
    candidates = list(wanted)
    id_sequence = _id_sequence() if connection.vendor == "postgresql" else None
    if id_sequence is not None:
        table = connection.ops.quote_name(Comment._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(
                "SELECT COALESCE(pg_sequence_last_value(%s::regclass), 0)", [id_sequence]
            )
            floor = cursor.fetchone()[0]
        candidates = [pk for pk in candidates if pk > floor]
    taken = set()
    size = LOOKUP_CHUNK if id_sequence is not None else PORTABLE_LOOKUP_CHUNK
    for start in range(0, len(candidates), size):
        chunk = candidates[start : start + size]
        taken.update(Comment.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    kept = [pk for pk in candidates if pk not in taken]
    for pk in kept:
        wanted[pk].pk = pk
    if kept and id_sequence is not None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(%s::regclass, GREATEST(%s, "
                "COALESCE(pg_sequence_last_value(%s::regclass), 0)))",
                [id_sequence, max(kept), id_sequence],
            )


def _id_sequence() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Comment._meta.db_table])
        return cursor.fetchone()[0]


def _reserve_ids(count: int, id_sequence: str) -> list[int]:
    """``count`` ids from the table's own sequence, so concurrent writers never collide."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
            [id_sequence, count],
        )
        return cursor.fetchone()[0]


class _CopySource:
    """The file ``copy_expert`` reads: each ``read`` makes about ``size`` characters of rows;
    ``at_end`` is called when the last one has been read."""

    def __init__(self, lines: Iterator[str], *, at_end: Callable[[], None] | None = None):
        self._lines = lines
        self._at_end = at_end

    def read(self, size: int = -1) -> str:
        chunk: list[str] = []
        length = 0
        for line in self._lines:
            chunk.append(line)
            length += len(line)
            if 0 < size <= length:
                return "".join(chunk)
        if self._at_end is not None:
            self._at_end()
        return "".join(chunk)


def _copy_line(values: tuple) -> str:
    """A row in COPY's text format."""
    return (
        "\t".join(
            [
                "\\N" if value is None else _copy_text(value) if type(value) is str else str(value)
                for value in values
            ]
        )
        + "\n"
    )


def _copy_text(value: str) -> str:
    """A string in COPY's text format (PostgreSQL text cannot hold NUL)."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if "\t" in value:
        value = value.replace("\t", "\\t")
    if "\n" in value:
        value = value.replace("\n", "\\n")
    if "\r" in value:
        value = value.replace("\r", "\\r")
    if "\x00" in value:
        value = value.replace("\x00", "")
    return value


def _bulk_create_rows(nodes: list[_Node]) -> None:
    """The portable way: level by level, so that each parent has its id first."""
    _keep_ids(nodes)
    by_level: dict[int, list[_Node]] = {}
    for node in nodes:
        by_level.setdefault(node.level, []).append(node)
    for level in sorted(by_level):
        comments = [
            Comment(**dict(zip(COLUMNS, _row(node), strict=True))) for node in by_level[level]
        ]
        Comment.objects.bulk_create(comments, batch_size=BULK_CREATE_BATCH)
        for node, comment in zip(by_level[level], comments, strict=True):
            node.pk = comment.pk


def _set_constraints(*, immediate: bool) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SET CONSTRAINTS ALL IMMEDIATE" if immediate else "SET CONSTRAINTS ALL DEFERRED"
        )


def _stored_by_source(batch: Sequence[PostComments]) -> dict[str, dict[str, tuple[int, int]]]:
    """Per source, ``source_id -> (pk, post_id)`` of the batch's comments stored already."""
    keys_by_source: dict[str, list[str]] = {}
    for post in batch:
        keys = keys_by_source.setdefault(post.source, [])
        keys.extend(fit_source_id(record.source_id) for record in post.comments)
    return {source: _stored_comments(source, keys) for source, keys in keys_by_source.items()}


def _stored_comments(source: str, keys: list[str]) -> dict[str, tuple[int, int]]:
    """``source_id -> (pk, post_id)`` of those of ``keys`` already stored."""
    found: dict[str, tuple[int, int]] = {}
    if not keys:
        return found
    if connection.vendor != "postgresql":
        for start in range(0, len(keys), PORTABLE_LOOKUP_CHUNK):
            rows = Comment.objects.filter(
                source=source, source_id__in=keys[start : start + PORTABLE_LOOKUP_CHUNK]
            ).values_list("source_id", "pk", "post_id")
            found.update((key, (pk, post_id)) for key, pk, post_id in rows)
        return found
    table = connection.ops.quote_name(Comment._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), LOOKUP_CHUNK):
            # One array parameter instead of thousands of placeholders, and one index lookup
            # per key. The table's statistics do not count the rows this import has already
            # added, so a plain join or ``= ANY`` is planned as a scan of all of the source's
            # rows (quadratic over a big import); the LIMIT keeps the subquery a per-key
            # lookup (the key is unique, so it changes no result).
            cursor.execute(
                "SELECT key, stored.id, stored.post_id FROM unnest(%s::text[]) AS key "  # noqa: S608 - a table name
                f"CROSS JOIN LATERAL (SELECT id, post_id FROM {table} "
                "WHERE source = %s AND source_id = key LIMIT 1) AS stored",
                [keys[start : start + LOOKUP_CHUNK], source],
            )
            found.update((key, (pk, post_id)) for key, pk, post_id in cursor.fetchall())
    return found


# -- trees -------------------------------------------------------------------------------


def _shift(node: _Node, *, at: int, gap: int) -> None:
    """Move a new node, not stored yet, as ``open_gap`` moves the stored rows."""
    if node.lft > at:
        node.lft += gap
    if node.rght >= at:
        node.rght += gap


def _walk(root: _Node) -> Iterator[_Node]:
    """Preorder: every parent before its children, siblings in file order."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _count(root: _Node) -> int:
    return sum(1 for _ in _walk(root))


def _orphan_warning(node, parent_key, *, replies_to_itself, on_another_post, parent_too_long):
    """Why a comment whose parent cannot be used becomes a top-level comment (whole
    sentences, so that each translates as one)."""
    if parent_too_long:
        message = _(
            "%(location)s: comment %(comment)s by %(author)s: its parent %(parent)s was too "
            "long to import; imported as a top-level comment"
        )
    elif on_another_post:
        message = _(
            "%(location)s: comment %(comment)s by %(author)s: its parent %(parent)s belongs "
            "to another post; imported as a top-level comment"
        )
    elif replies_to_itself:
        message = _(
            "%(location)s: comment %(comment)s by %(author)s: its parent %(parent)s replies "
            "to itself; imported as a top-level comment"
        )
    else:
        message = _(
            "%(location)s: comment %(comment)s by %(author)s: its parent %(parent)s is not in "
            "the file; imported as a top-level comment"
        )
    record = node.record
    return message % {
        "location": record.location,
        "comment": repr(record.source_id),
        "author": repr(record.author_name),
        "parent": repr(parent_key),
    }


def _oversized_warning(record, max_length):
    """A comment whose text is over ``COMMENTS_IMPORT_MAX_LENGTH``: left out, said by name."""
    return _(
        "%(location)s: comment %(comment)s by %(author)s: its text is %(length)d characters "
        "long, more than the %(max)d allowed (COMMENTS_IMPORT_MAX_LENGTH); not imported"
    ) % {
        "location": record.location,
        "comment": repr(record.source_id),
        "author": repr(record.author_name),
        "length": len(record.body),
        "max": max_length,
    }
