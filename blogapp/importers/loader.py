"""Write parsed records into the database: posts, then each post's comment trees.

The loader knows no file format. For each batch of posts it

1. finds or creates the posts (by ``(source, source_id)``; a Disqus thread may also match an
   existing post by slug),
2. skips every comment whose ``(source, source_id)`` is already stored (a re-import creates
   nothing; a newer export adds only what is new),
3. resolves parents: within the file, else an already-imported comment, else the comment
   becomes top-level with a warning naming it,
4. numbers each new tree (``tree_id``, ``lft``, ``rght``, ``level``) in one pass in Python, with
   tree ids allocated above the current maximum under the same advisory lock the comment
   service takes for new top-level comments, and inserts the rows in bulk: PostgreSQL ``COPY``
   (streamed, while the next batch is parsed), ``bulk_create`` elsewhere,
5. inserts replies to comments that were already stored through django-mptt, one by one,
   under the thread's lock (rare: only a newer export of an already-imported thread has them).

The caller owns the transaction (one per file).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection
from django.utils.html import linebreaks

from blogapp.models import Post
from comments.cache import discussions_changed_on_commit
from comments.locks import lock_new_threads, lock_thread
from comments.models import Comment
from comments.text import render_plain_text, sanitize_comment_html

from ..text import plain_text_to_post_html
from .records import AUTOP, TEXT, CommentRecord, PostRecord
from .util import content_key

BATCH_COMMENTS = 5000
BATCH_POSTS = 500
QUERY_CHUNK = 5000
# Refresh the posts table's statistics once this many posts were created since the last
# refresh, and again whenever the import has doubled the table since (see _posts_grew).
ANALYZE_MIN_POSTS = 100


@dataclass
class ImportStats:
    posts_created: int = 0
    posts_unchanged: int = 0
    comments_created: int = 0
    comments_unchanged: int = 0
    warnings: list[str] = field(default_factory=list)

    def add(self, other: ImportStats) -> None:
        self.posts_created += other.posts_created
        self.posts_unchanged += other.posts_unchanged
        self.comments_created += other.comments_created
        self.comments_unchanged += other.comments_unchanged
        self.warnings.extend(other.warnings)


# -- turning record fields into column values ------------------------------------------------


def comment_html(body: str, body_format: str) -> str:
    if body_format == TEXT:
        return render_plain_text(body)
    if body_format == AUTOP and "\n" in body and "<p" not in body:
        body = linebreaks(body)  # WordPress: blank lines separate paragraphs
    return sanitize_comment_html(body)


def post_body(body: str, body_format: str) -> str:
    """The post's ``body`` column (HTML); ``Post.save`` sanitises it into ``body_html``."""
    if body_format == TEXT:
        return plain_text_to_post_html(body)
    if body_format == AUTOP and "\n" in body and "<p" not in body:
        return linebreaks(body)
    return body


def _http_url(url: str) -> str:
    """Only http(s) links survive: the page renders ``author_url`` as a link."""
    url = url.strip()
    lowered = url[:8].lower()
    if lowered.startswith(("http://", "https://")) and len(url) <= 500:
        return url
    return ""


def _source_id(value: str) -> str:
    return value if len(value) <= 500 else value[:450] + "#" + content_key(value)


@dataclass(slots=True)
class _Node:
    """A comment to insert, with its tree fields once numbered."""

    record: CommentRecord
    key: str
    parent: _Node | None = None
    existing_parent_id: int | None = None  # a stored comment this one replies to
    children: list[_Node] = field(default_factory=list)
    pk: int | None = None
    lft: int = 0
    rght: int = 0
    level: int = 0
    tree_id: int = 0
    placed: bool = False


class Loader:
    def __init__(
        self,
        *,
        dry_run: bool = False,
        warn: Callable[[str], None] | None = None,
        progress: Callable[[int], None] | None = None,
        batch_comments: int = BATCH_COMMENTS,
        use_copy: bool | None = None,
    ):
        self.dry_run = dry_run
        self.stats = ImportStats()
        self._warn_callback = warn
        self.progress = progress or (lambda _n: None)
        self.batch_comments = batch_comments
        self.use_copy = connection.vendor == "postgresql" if use_copy is None else use_copy
        self.next_tree_id: int | None = None
        self.changed_posts: set[int] = set()
        self._pending: Future | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._posts_at_analyze: int | None = None  # posts in the table at the last ANALYZE
        self._posts_since_analyze = 0

    def warn(self, message: str) -> None:
        self.stats.warnings.append(message)
        if self._warn_callback:
            self._warn_callback(message)

    # -- entry point ----------------------------------------------------------------------
    def load(self, records: Iterable[PostRecord]) -> ImportStats:
        """Import ``records``; call inside ``transaction.atomic()``."""
        if not self.dry_run and not connection.in_atomic_block:
            raise RuntimeError("Loader.load must run inside transaction.atomic()")
        immediate = self.use_copy and not self.dry_run
        if immediate:
            # Check foreign keys at the end of each COPY, while the next batch is parsed,
            # rather than all at once at commit.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        try:
            for batch in self._batches(records):
                self._wait_for_copy()
                self._load_batch(batch)
            self._wait_for_copy()
        finally:
            if self._pending is not None:  # an error while a COPY was running: let it end
                with contextlib.suppress(Exception):  # the first error is the one to report
                    self._pending.result()
                self._pending = None
            if self._executor is not None:
                self._executor.shutdown(wait=True)
                self._executor = None
        if immediate:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default again
        if not self.dry_run:
            discussions_changed_on_commit(self.changed_posts)
        return self.stats

    def _batches(self, records: Iterable[PostRecord]) -> Iterator[list[PostRecord]]:
        batch: list[PostRecord] = []
        count = 0
        for record in records:
            batch.append(record)
            count += len(record.comments) + 1
            if count >= self.batch_comments or len(batch) >= BATCH_POSTS:
                yield batch
                batch, count = [], 0
        if batch:
            yield batch

    # -- one batch ------------------------------------------------------------------------
    def _load_batch(self, batch: list[PostRecord]) -> None:
        post_ids = self._resolve_posts(batch)
        source = batch[0].source
        keys = [_source_id(c.source_id) for post in batch for c in post.comments]
        existing = self._existing_comments(source, keys)

        new_trees: list[_Node] = []  # roots of new trees, in order
        additions: list[_Node] = []  # replies to stored comments (django-mptt path)
        for post, post_id in zip(batch, post_ids, strict=True):
            roots, attached = self._plan_post(post, post_id, existing)
            if roots or attached:
                if post_id is not None:
                    self.changed_posts.add(post_id)
                self.stats.comments_created += sum(_count(root) for root in roots)
                self.stats.comments_created += sum(_count(node) for node in attached)
            for root in roots:
                new_trees.append((post_id, root))
            for node in attached:
                additions.append((post_id, node))
        self.stats.comments_unchanged += len(existing)
        self.progress(len(keys))
        if self.dry_run:
            return
        if new_trees:
            self._insert_new_trees(source, new_trees)
        for post_id, node in additions:
            self._insert_into_existing_tree(source, post_id, node)

    def _resolve_posts(self, batch: list[PostRecord]) -> list[int | None]:
        """The database id of each record's post, creating the missing ones in one insert."""
        source = batch[0].source
        wanted = [_source_id(p.source_id) for p in batch]
        found: dict[str, int | Post | None] = dict(
            Post.objects.filter(source=source, source_id__in=wanted).values_list("source_id", "pk")
        )
        slugs = _SlugAllocator({(record.slug or "post")[:200] for record in batch})
        new_by_slug: dict[str, Post] = {}
        for record, key in zip(batch, wanted, strict=True):
            if key in found:  # stored, or twice in this batch
                self.stats.posts_unchanged += 1
                continue
            if record.match_existing_slug and record.slug:
                # A post stored earlier, or one this batch is about to create (an export
                # can hold several threads for one page).
                match = new_by_slug.get(record.slug) or (
                    Post.objects.filter(slug=record.slug).values_list("pk", flat=True).first()
                )
                if match is not None:
                    self.warn(
                        f"{record.location}: comments attached to the existing post "
                        f"{record.slug!r} (matched by its link)"
                    )
                    self.stats.posts_unchanged += 1
                    found[key] = match
                    continue
            self.stats.posts_created += 1
            if self.dry_run:
                found[key] = None
                continue
            published_at = record.published_at
            if published_at is None:
                published_at = datetime.now(UTC)
                self.warn(f"{record.location}: post {record.title!r} has no date; dated now")
            post = Post(
                title=record.title[:300],
                slug=slugs.free(record.slug or "post"),
                body=post_body(record.body, record.body_format),
                author_name=record.author_name[:200],
                published_at=published_at,
                status=Post.Status.PUBLISHED if record.published else Post.Status.DRAFT,
                comments_open=record.comments_open,
                source=source,
                source_id=key,
            )
            post.render_body()  # what Post.save() does, which bulk_create does not call
            new_by_slug[post.slug] = post
            found[key] = post
        if new_by_slug:
            Post.objects.bulk_create(new_by_slug.values())
            self._posts_since_analyze += len(new_by_slug)
            self._posts_grew()
        ids = [found[key] for key in wanted]
        return [item.pk if isinstance(item, Post) else item for item in ids]

    def _posts_grew(self) -> None:
        """Keep PostgreSQL's plans for the posts table fit for its size during a big import.

        Every comment row COPY writes checks its post's foreign key with a plan the server
        makes once and keeps. Made while the table held a few posts, that plan is a sequential
        scan, which becomes quadratic as an export with thousands of posts fills the table.
        ANALYZE refreshes the statistics (it counts this transaction's own rows) and makes the
        server plan again; doing it each time the import has doubled the table keeps it to a
        handful of runs.
        """
        if not self.use_copy or self.dry_run:
            return
        if self._posts_at_analyze is None:
            self._posts_at_analyze = Post.objects.count() - self._posts_since_analyze
        if self._posts_since_analyze < max(ANALYZE_MIN_POSTS, self._posts_at_analyze):
            return
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Post._meta.db_table)}")
        self._posts_at_analyze += self._posts_since_analyze
        self._posts_since_analyze = 0

    def _existing_comments(self, source: str, keys: list[str]) -> dict[str, tuple[int, int]]:
        """``source_id -> (pk, post_id)`` of the given keys already stored."""
        found: dict[str, tuple[int, int]] = {}
        if not keys:
            return found
        if connection.vendor != "postgresql":
            for start in range(0, len(keys), 500):
                rows = Comment.objects.filter(
                    source=source, source_id__in=keys[start : start + 500]
                ).values_list("source_id", "pk", "post_id")
                found.update((sid, (pk, post_id)) for sid, pk, post_id in rows)
            return found
        table = connection.ops.quote_name(Comment._meta.db_table)
        with connection.cursor() as cursor:
            for start in range(0, len(keys), QUERY_CHUNK):
                # One array parameter instead of thousands of placeholders, and one index
                # lookup per key. The table's statistics do not count the rows this import
                # has already added, so a plain join or ``= ANY`` is planned as a scan of all
                # of the source's rows (quadratic over a big import); the LIMIT keeps the
                # subquery a per-key lookup (the key is unique, so it changes no result).
                cursor.execute(
                    "SELECT key, stored.id, stored.post_id FROM unnest(%s::text[]) AS key "  # noqa: S608 - a table name
                    f"CROSS JOIN LATERAL (SELECT id, post_id FROM {table} "
                    "WHERE source = %s AND source_id = key LIMIT 1) AS stored",
                    [keys[start : start + QUERY_CHUNK], source],
                )
                found.update((sid, (pk, post_id)) for sid, pk, post_id in cursor.fetchall())
        return found

    def _plan_post(self, post: PostRecord, post_id, existing):
        """New comments of one post as trees: (new roots, new replies to stored comments)."""
        nodes: dict[str, _Node] = {}
        order: list[_Node] = []
        for record in post.comments:
            key = _source_id(record.source_id)
            if key in existing or key in nodes:
                continue
            node = _Node(record=record, key=key)
            nodes[key] = node
            order.append(node)
        if not order:
            return [], []

        # Parents outside this post's new comments: already stored, or nowhere.
        outside = {
            _source_id(n.record.parent_source_id)
            for n in order
            if n.record.parent_source_id and _source_id(n.record.parent_source_id) not in nodes
        }
        stored = {key: existing[key] for key in outside if key in existing}
        missing = [key for key in outside if key not in existing]
        if missing:
            stored.update(self._existing_comments(post.source, missing))

        roots: list[_Node] = []
        attached: list[_Node] = []
        for node in order:
            parent_key = node.record.parent_source_id
            if not parent_key:
                roots.append(node)
                continue
            parent_key = _source_id(parent_key)
            parent = nodes.get(parent_key)
            if parent is not None and parent is not node:
                node.parent = parent
                parent.children.append(node)
            elif parent_key in stored and (post_id is None or stored[parent_key][1] == post_id):
                node.existing_parent_id = stored[parent_key][0]
                attached.append(node)
            else:
                reason = "replies to itself" if parent is node else "is not in the file"
                if parent_key in stored:
                    reason = "belongs to another post"
                self.warn(
                    f"{node.record.location}: comment {node.record.source_id!r} by "
                    f"{node.record.author_name!r}: its parent {parent_key!r} {reason}; "
                    "imported as a top-level comment"
                )
                roots.append(node)

        # Number the trees; anything left unplaced sits on a parent cycle: cut it there.
        for root in roots:
            _number(root)
        for node in attached:
            _number(node)
        for node in order:
            if not node.placed:
                self.warn(
                    f"{node.record.location}: comment {node.record.source_id!r} is part of a "
                    "parent cycle; imported as a top-level comment"
                )
                if node.parent is not None:
                    node.parent.children.remove(node)
                    node.parent = None
                roots.append(node)
                _number(node)
        return roots, attached

    # -- inserting ------------------------------------------------------------------------
    def _allocate_tree_ids(self, count: int) -> int:
        """First of ``count`` fresh tree ids; the lock is held until the transaction ends."""
        if self.next_tree_id is None:
            lock_new_threads()
            current = Comment.objects.order_by("-tree_id").values_list("tree_id", flat=True)
            self.next_tree_id = (current.first() or 0) + 1
        first = self.next_tree_id
        self.next_tree_id += count
        return first

    def _insert_new_trees(self, source: str, trees: list[tuple[int, _Node]]) -> None:
        first = self._allocate_tree_ids(len(trees))
        flat: list[tuple[int, _Node]] = []
        for offset, (post_id, root) in enumerate(trees):
            tree_id = first + offset
            for node in _walk(root):
                node.tree_id = tree_id
                flat.append((post_id, node))
        if self.use_copy:
            self._copy_rows(source, flat)
        else:
            self._bulk_create(source, flat)

    def _copy_rows(self, source: str, flat: list[tuple[int, _Node]]) -> None:
        with connection.cursor() as cursor:
            # Ids come from the table's own sequence, so concurrent writers never collide.
            cursor.execute(
                "SELECT array_agg(nextval(pg_get_serial_sequence(%s, 'id'))) "
                "FROM generate_series(1, %s)",
                [Comment._meta.db_table, len(flat)],
            )
            pks = cursor.fetchone()[0]
        for (_post_id, node), pk in zip(flat, pks, strict=True):
            node.pk = pk
        lines = []
        append = lines.append
        src = _copy_text(source)
        for post_id, node in flat:
            r = node.record
            parent_pk = node.parent.pk if node.parent is not None else None
            created = r.created_at or datetime.now(UTC)
            append(
                "\t".join(
                    (
                        str(node.pk),
                        str(post_id),
                        "\\N" if parent_pk is None else str(parent_pk),
                        _copy_text(r.author_name[:200]),
                        _copy_text(r.author_email[:254]),
                        _copy_text(_http_url(r.author_url)),
                        r.ip_address or "\\N",
                        _copy_text(r.body),
                        _copy_text(comment_html(r.body, r.body_format)),
                        created.isoformat(),
                        r.status,
                        r.kind,
                        src,
                        _copy_text(node.key),
                        str(node.lft),
                        str(node.rght),
                        str(node.tree_id),
                        str(node.level),
                    )
                )
            )
        data = "\n".join(lines) + "\n"
        sql = (
            f"COPY {connection.ops.quote_name(Comment._meta.db_table)} "
            f"({', '.join(connection.ops.quote_name(c) for c in _COPY_COLUMNS)}) FROM STDIN"
        )
        # Stream it while the caller parses the next batch; the connection is not used meanwhile.
        raw_cursor = connection.cursor().cursor
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-copy")
        self._pending = self._executor.submit(
            raw_cursor.copy_expert, sql, io.StringIO(data), 1 << 18
        )

    def _wait_for_copy(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def _bulk_create(self, source: str, flat: list[tuple[int, _Node]]) -> None:
        """Portable path (SQLite): level by level, so each parent has its id first."""
        by_level: dict[int, list[tuple[int, _Node]]] = {}
        for item in flat:
            by_level.setdefault(item[1].level, []).append(item)
        for level in sorted(by_level):
            objects = [
                _comment_object(source, post_id, node, node.parent.pk if node.parent else None)
                for post_id, node in by_level[level]
            ]
            Comment.objects.bulk_create(objects, batch_size=1000)
            for (_post_id, node), obj in zip(by_level[level], objects, strict=True):
                node.pk = obj.pk

    def _insert_into_existing_tree(self, source: str, post_id: int, node: _Node) -> None:
        """A new subtree under a stored comment, through django-mptt, under the thread lock."""
        self._wait_for_copy()
        tree_id = (
            Comment.objects.filter(pk=node.existing_parent_id)
            .values_list("tree_id", flat=True)
            .first()
        )
        lock_thread(tree_id)
        for item in _walk(node):
            parent_pk = item.parent.pk if item.parent is not None else node.existing_parent_id
            comment = _comment_object(source, post_id, item, None)
            comment.parent = Comment.objects.get(pk=parent_pk)  # re-read under the lock
            comment.lft = comment.rght = comment.tree_id = comment.level = None
            comment.save()
            item.pk = comment.pk


class _SlugAllocator:
    """Free, distinct slugs for a batch of new posts, with one query for the usual case."""

    def __init__(self, wanted: set[str]):
        self._checked = wanted  # looked up below: taken if stored, free otherwise
        self._taken = set(Post.objects.filter(slug__in=wanted).values_list("slug", flat=True))

    def free(self, slug: str) -> str:
        slug = slug[:200]
        candidate, n = slug, 1
        while candidate in self._taken or (
            candidate not in self._checked and Post.objects.filter(slug=candidate).exists()
        ):
            n += 1
            suffix = f"-{n}"
            candidate = slug[: 200 - len(suffix)] + suffix
        self._taken.add(candidate)
        return candidate


_COPY_COLUMNS = (
    "id", "post_id", "parent_id", "author_name", "author_email", "author_url", "ip_address",
    "body", "body_html", "created_at", "status", "kind", "source", "source_id",
    "lft", "rght", "tree_id", "level",
)  # fmt: skip


def _copy_text(value: str) -> str:
    """A value in COPY's text format (PostgreSQL text cannot hold NUL)."""
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


def _comment_object(source: str, post_id: int, node: _Node, parent_pk: int | None) -> Comment:
    r = node.record
    return Comment(
        post_id=post_id,
        parent_id=parent_pk,
        author_name=r.author_name[:200],
        author_email=r.author_email[:254],
        author_url=_http_url(r.author_url),
        ip_address=r.ip_address,
        body=r.body.replace("\x00", ""),
        body_html=comment_html(r.body, r.body_format),
        created_at=r.created_at or datetime.now(UTC),
        status=r.status,
        kind=r.kind,
        source=source,
        source_id=node.key,
        lft=node.lft,
        rght=node.rght,
        tree_id=node.tree_id,
        level=node.level,
    )


def _number(root: _Node) -> None:
    """lft/rght/level of a tree in one iterative depth-first pass (children in file order)."""
    counter = 1
    root.level = 0
    stack: list[tuple[_Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            node.rght = counter
            counter += 1
            continue
        node.placed = True
        node.lft = counter
        counter += 1
        stack.append((node, True))
        level = node.level + 1
        for child in reversed(node.children):
            child.level = level
            stack.append((child, False))


def _walk(root: _Node) -> Iterator[_Node]:
    """Preorder: every parent before its children, siblings in file order."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _count(root: _Node) -> int:
    return sum(1 for _ in _walk(root))
