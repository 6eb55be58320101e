"""Write parsed records into the database: posts here, comments through ``comments.bulk``.

The loader knows no file format and writes no comment row. It groups the parser's records in
batches and, for each batch,

1. finds or creates the posts (by ``(source, source_id)``; a Disqus thread may also match an
   existing post by slug), the new ones in one insert,
2. hands the batch's comments, with their post ids, to ``comments.bulk.comments_bulk_import``,
   which skips the stored ones, resolves parents (with a warning for each one it cannot
   follow), numbers the trees and inserts the rows (``COPY`` on PostgreSQL).

Meanwhile a worker thread parses the next batch (``readahead.py``): the parsers are plain
Python without Django, so the file is read while the database works, and every database call
stays on the caller's thread and connection. The caller owns the transaction (one per file).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from blogapp.links import remember_old_links
from blogapp.models import Post
from comments.bulk import comments_bulk_import
from comments.imported_html import add_paragraphs
from comments.records import PostComments, fit_source_id

from ..text import plain_text_to_post_html
from .readahead import ReadAhead
from .records import AUTOP, TEXT, PostRecord
from .shortcodes import expand_shortcodes

BATCH_COMMENTS = 5000
BATCH_POSTS = 500
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


def post_body(body: str, body_format: str) -> str:
    """The post's ``body`` column (HTML); ``Post.save`` sanitises it into ``body_html``."""
    if body_format == TEXT:
        return plain_text_to_post_html(body)
    if body_format == AUTOP:
        # As WordPress shows it: its shortcodes expanded, blank lines made paragraphs.
        return add_paragraphs(expand_shortcodes(body))
    # HTML as a site stored it (our own export, Disqus): bracketed words are the writer's.
    return body


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
        self._posts_at_analyze: int | None = None  # posts in the table at the last ANALYZE
        self._posts_since_analyze = 0
        self._read_ahead: ReadAhead | None = None

    def warn(self, message: str) -> None:
        if self._read_ahead is not None and self._read_ahead.keep_warning(message):
            return  # the parser's, reading ahead: reported with its batch, in file order
        self.stats.warnings.append(message)
        if self._warn_callback:
            self._warn_callback(message)

    # -- entry point ----------------------------------------------------------------------
    def load(self, records: Iterable[PostRecord]) -> ImportStats:
        """Import ``records``; call inside ``transaction.atomic()``."""
        if not self.dry_run and not connection.in_atomic_block:
            raise RuntimeError("Loader.load must run inside transaction.atomic()")
        self._read_ahead = ReadAhead(records, batches=self._batches, report=self.warn)
        try:
            with contextlib.closing(self._comment_batches(self._read_ahead)) as batches:
                result = comments_bulk_import(
                    batches=batches,
                    dry_run=self.dry_run,
                    use_copy=self.use_copy,
                    warn=self.warn,
                    progress=self.progress,
                    database_busy=self._read_ahead.waiting,
                )
        finally:
            self._read_ahead = None
        self.stats.comments_created += result.created
        self.stats.comments_unchanged += result.unchanged
        return self.stats

    def _comment_batches(self, batches: ReadAhead) -> Iterator[list[PostComments]]:
        """Each batch's comments with their post ids, its posts created first."""
        with contextlib.closing(iter(batches)) as parsed:
            for batch in parsed:
                post_ids = self._resolve_posts(batch)
                yield [
                    PostComments(post_id=post_id, source=post.source, comments=post.comments)
                    for post, post_id in zip(batch, post_ids, strict=True)
                ]

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

    # -- posts ----------------------------------------------------------------------------
    def _resolve_posts(self, batch: list[PostRecord]) -> list[int | None]:
        """The database id of each record's post, creating the missing ones in one insert.

        A post is known by ``(source, source_id)``: one file's posts may come from several
        sources (an export of this site keeps each post's first import)."""
        wanted = [(p.source, fit_source_id(p.source_id)) for p in batch]
        found: dict[tuple[str, str], int | Post | None] = {}
        by_source: dict[str, list[str]] = {}
        for source, key in wanted:
            by_source.setdefault(source, []).append(key)
        for source, keys in by_source.items():
            stored = Post.objects.filter(source=source, source_id__in=keys)
            found.update(((source, key), pk) for key, pk in stored.values_list("source_id", "pk"))
        slugs = _SlugAllocator({(record.slug or "post")[:200] for record in batch})
        new_by_slug: dict[str, Post] = {}
        changed_at: dict[str, datetime] = {}  # slug -> when the old site last changed it
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
                        _(
                            "%(location)s: comments attached to the existing post %(slug)s "
                            "(matched by its link)"
                        )
                        % {"location": record.location, "slug": repr(record.slug)}
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
                self.warn(
                    _("%(location)s: post %(title)s has no date; dated now")
                    % {"location": record.location, "title": repr(record.title)}
                )
            body = record.body
            if len(body) > settings.BLOG_IMPORT_MAX_POST_LENGTH:
                # The post and its comments are kept; only the oversized text is refused.
                self.warn(
                    _(
                        "%(location)s: post %(title)s: its text is %(length)d characters long, "
                        "more than the %(max)d allowed (BLOG_IMPORT_MAX_POST_LENGTH); imported "
                        "without its text"
                    )
                    % {
                        "location": record.location,
                        "title": repr(record.title),
                        "length": len(body),
                        "max": settings.BLOG_IMPORT_MAX_POST_LENGTH,
                    }
                )
                body = ""
            post = Post(
                title=record.title[:300],
                slug=slugs.free(record.slug or "post"),
                body=post_body(body, record.body_format),
                author_name=record.author_name[:200],
                published_at=published_at,
                status=Post.Status.PUBLISHED if record.published else Post.Status.DRAFT,
                comments_open=record.comments_open,
                listed=record.listed,
                source=record.source,
                source_id=key[1],
            )
            post.render_body()  # what Post.save() does, which bulk_create does not call
            # When the old site last changed it, not the day of the import: feeds' <updated>
            # and the sitemap's <lastmod> would otherwise call every old post new.
            changed_at[post.slug] = record.modified_at or published_at
            new_by_slug[post.slug] = post
            found[key] = post
        if new_by_slug:
            created = Post.objects.bulk_create(new_by_slug.values())
            # bulk_create sets updated_at (auto_now) to now; bulk_update leaves it as given.
            for post in created:
                post.updated_at = changed_at[post.slug]
            Post.objects.bulk_update(created, ["updated_at"])
            self._posts_since_analyze += len(new_by_slug)
            self._posts_grew()
        ids = [found[key] for key in wanted]
        ids = [item.pk if isinstance(item, Post) else item for item in ids]
        if not self.dry_run:
            remember_old_links(
                (post_id, url)
                for record, post_id in zip(batch, ids, strict=True)
                for url in record.old_urls
            )
        return ids

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
