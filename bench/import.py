"""Benchmark the archive importer on a generated WordPress (or Disqus) export.

    python bench/import.py [--comments 100000] [--posts 100] [--depth 10] [--format wxr|disqus]
                           [--keep FILE]

Writes a WXR 1.2 export (threaded comments up to ``--depth`` levels, ~8% unapproved, ~2%
pingbacks, ~300-character bodies; with ``--format disqus`` the same threads as a Disqus export,
every thread's posts interleaved with the others') to a temporary file, imports it into PostgreSQL
(``DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/blog_bench``; created and
migrated if needed) in one transaction, checks the rows, and prints comments/second and peak
RSS. Only rows this benchmark created (site ``bench.example``) are deleted
before and after the run. The last line is machine-readable:
``comments_per_s=… peak_rss_mib=… comments=…``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
SITE = "bench.example"


FILLER = "lorem ipsum dolor sit amet, consectetur adipiscing elit " * 4


def plan_comments(comments: int, posts: int, depth: int, seed: int = 1):
    """Per post, its comments as (id, parent id or 0, rnd draw): threaded, up to ``depth``."""
    rnd = random.Random(seed)
    per_post = [comments // posts + (1 if i < comments % posts else 0) for i in range(posts)]
    comment_id = 0
    plan = []
    for count in per_post:
        recent: list[int] = []
        level: dict[int, int] = {}
        thread = []
        for _ in range(count):
            comment_id += 1
            parent = 0
            if recent and rnd.random() < 0.7:
                candidate = rnd.choice(recent[-50:])
                if level[candidate] < depth - 1:
                    parent = candidate
            level[comment_id] = level[parent] + 1 if parent else 0
            recent.append(comment_id)
            thread.append((comment_id, parent, rnd.random()))
        plan.append(thread)
    return plan


def generate_wxr(path: Path, plan, unapproved_share: float = 0.08) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:excerpt="https://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="https://wordpress.org/export/1.2/">\n<channel>\n'
            f"<title>Bench</title><link>https://{SITE}</link>"
            f"<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://{SITE}/"
            f"</wp:base_site_url><wp:base_blog_url>https://{SITE}</wp:base_blog_url>\n"
        )
        for p, thread in enumerate(plan, start=1):
            f.write(
                f"<item><title>Post {p}</title><link>https://{SITE}/?p={p}</link>"
                f"<dc:creator><![CDATA[admin]]></dc:creator>"
                f"<content:encoded><![CDATA[<p>Body of post {p}</p>]]></content:encoded>"
                f"<wp:post_id>{p}</wp:post_id>"
                f"<wp:post_date_gmt>2018-01-01 00:00:00</wp:post_date_gmt>"
                f"<wp:comment_status>open</wp:comment_status>"
                f"<wp:post_name>bench-post-{p}</wp:post_name><wp:status>publish</wp:status>"
                f"<wp:post_type>post</wp:post_type>\n"
            )
            for comment_id, parent, draw in thread:
                # ~8% unapproved (unless told otherwise), ~2% pingbacks
                approved = "0" if draw < unapproved_share else "1"
                kind = "pingback" if draw > 0.98 else ""
                body = escape(f"Comment {comment_id} & more: {FILLER}")
                user = comment_id % 977
                second = comment_id % 86400
                f.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[User {user}]]></wp:comment_author>"
                    f"<wp:comment_author_email>u{user}@example.com</wp:comment_author_email>"
                    f"<wp:comment_author_url>https://u{user}.example.com/</wp:comment_author_url>"
                    f"<wp:comment_author_IP>10.0.{user % 250}.{user % 199}</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>2018-02-01 {second // 3600:02d}:"
                    f"{second // 60 % 60:02d}:{second % 60:02d}</wp:comment_date_gmt>"
                    f"<wp:comment_content><![CDATA[<p>{body}</p>]]></wp:comment_content>"
                    f"<wp:comment_approved>{approved}</wp:comment_approved>"
                    f"<wp:comment_type>{kind}</wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n"
                )
            f.write("</item>\n")
        f.write("</channel>\n</rss>\n")


def generate_disqus(path: Path, plan) -> None:
    """All threads first, then every post, interleaved across threads as in a real export."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(
            '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
            'xmlns:dsq="http://disqus.com/disqus-internals">\n'
        )
        for p in range(1, len(plan) + 1):
            f.write(
                f'<thread dsq:id="{SITE}/{p}"><id>post-{p}</id><forum>bench</forum>'
                f"<link>https://{SITE}/bench-post-{p}/</link><title>Post {p}</title>"
                f"<message/><createdAt>2018-01-01T00:00:00Z</createdAt>"
                f"<author><name>admin</name></author></thread>\n"
            )
        positions = [0] * len(plan)
        remaining = sum(len(thread) for thread in plan)
        p = 0
        while remaining:
            p = (p + 1) % len(plan)  # one post of each thread in turn
            if positions[p] == len(plan[p]):
                continue
            comment_id, parent, draw = plan[p][positions[p]]
            positions[p] += 1
            remaining -= 1
            user = comment_id % 977
            second = comment_id % 86400
            body = escape(f"Comment {comment_id} & more: {FILLER}")
            parent_tag = f'<parent dsq:id="{SITE}/c{parent}"/>' if parent else ""
            f.write(
                f'<post dsq:id="{SITE}/c{comment_id}"><id/><message><![CDATA[<p>{body}</p>]]>'
                f"</message><createdAt>2018-02-01T{second // 3600:02d}:"
                f"{second // 60 % 60:02d}:{second % 60:02d}Z</createdAt>"
                f"<isDeleted>{'true' if draw < 0.03 else 'false'}</isDeleted>"
                f"<isSpam>{'true' if draw > 0.95 else 'false'}</isSpam>"
                f"<author><email>u{user}@example.com</email><name>User {user}</name>"
                f"<isAnonymous>false</isAnonymous></author>"
                f"<ipAddress>10.0.{user % 250}.{user % 199}</ipAddress>"
                f'<thread dsq:id="{SITE}/{p + 1}"/>{parent_tag}</post>\n'
            )
        f.write("</disqus>\n")


GENERATORS = {"wxr": generate_wxr, "disqus": generate_disqus}


def delete_bench_rows() -> None:
    from django.db import connection, transaction

    bench_posts = "SELECT id FROM blogapp_post WHERE source_id LIKE %s"
    bench_comments = f"SELECT id FROM comments_comment WHERE post_id IN ({bench_posts})"
    with transaction.atomic(), connection.cursor() as cur:
        # First the rows that point at the bench's posts and comments (old links, discussion
        # states, revisions...), whatever tables the schema has grown since.
        for table, column, target in referencing_columns(cur):
            if table != "comments_comment":
                chosen = bench_posts if target == "blogapp_post" else bench_comments
                cur.execute(
                    f"DELETE FROM {connection.ops.quote_name(table)} "
                    f"WHERE {connection.ops.quote_name(column)} IN ({chosen})",
                    [f"{SITE}/%"],
                )
        cur.execute(f"DELETE FROM comments_comment WHERE post_id IN ({bench_posts})", [f"{SITE}/%"])
        cur.execute(f"DELETE FROM blogapp_post WHERE id IN ({bench_posts})", [f"{SITE}/%"])
    # Import into a table as a real blog has it, not one full of the last run's dead rows:
    # re-inserting just-deleted unique keys makes every index check visit dead tuples.
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE comments_comment, blogapp_post")


def referencing_columns(cur) -> list[tuple[str, str, str]]:
    """(table, column, referenced table) of every foreign key to posts or comments."""
    cur.execute(
        """
        SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.confrelid IN ('blogapp_post'::regclass,
                                                  'comments_comment'::regclass)
        """
    )
    return cur.fetchall()


def peak_rss_mib() -> float:
    """This process's peak resident memory. Linux's VmHWM starts again at exec; getrusage's
    maximum would still hold the parent's (``make bench`` runs this script as a child)."""
    with contextlib.suppress(OSError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--depth", type=int, default=10)
    parser.add_argument("--format", choices=sorted(GENERATORS), default="wxr")
    parser.add_argument("--keep", type=Path, help="write the export here and keep it")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from bench.common import DEFAULT_BENCH_DATABASE_URL, ensure_database

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_BENCH_DATABASE_URL)
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blogapp.settings.dev")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from blogapp.importers import parse
    from blogapp.importers.loader import Loader
    from comments.models import Comment

    if connection.vendor != "postgresql":
        sys.exit("bench/import.py needs PostgreSQL (DATABASE_URL)")
    call_command("migrate", verbosity=0)
    delete_bench_rows()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.xml"
        started = time.perf_counter()
        GENERATORS[args.format](path, plan_comments(args.comments, args.posts, args.depth))
        size_mib = path.stat().st_size / 2**20
        print(
            f"generated {args.comments} comments on {args.posts} posts "
            f"({size_mib:.1f} MiB) in {time.perf_counter() - started:.1f} s"
        )

        rss_before = peak_rss_mib()
        started = time.perf_counter()
        parsed = sum(len(post.comments) for post in parse(path, args.format))
        parse_s = time.perf_counter() - started
        print(f"parse only: {parsed / parse_s:,.0f} comments/s ({parse_s:.2f} s)")

        started = time.perf_counter()
        with transaction.atomic():
            stats = Loader().load(parse(path, args.format))
        elapsed = time.perf_counter() - started

    stored = Comment.objects.filter(source=args.format, source_id__startswith=f"{SITE}/").count()
    deepest = (
        Comment.objects.filter(source=args.format, source_id__startswith=f"{SITE}/")
        .order_by("-level")
        .values_list("level", flat=True)
        .first()
    )
    assert stored == args.comments == stats.comments_created, (stored, stats)
    rate = stats.comments_created / elapsed
    rss = peak_rss_mib()
    print(
        f"import: {stats.comments_created} comments, {stats.posts_created} posts in "
        f"{elapsed:.2f} s; deepest level {deepest}; peak RSS {rss:.0f} MiB "
        f"(before import {rss_before:.0f} MiB)"
    )
    delete_bench_rows()
    print(f"comments_per_s={rate:.0f} peak_rss_mib={rss:.0f} comments={stats.comments_created}")


if __name__ == "__main__":
    main()
