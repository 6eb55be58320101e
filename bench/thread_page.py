"""How fast is the full discussion page, against the floor of what Python can do?

Builds a post with N comments (~30% top-level, replies down to depth 8, ~300-character bodies)
in the bench PostgreSQL database, then, in the same run and interleaved:

- page: GET of the post page through the Django test client, the whole thread on one page,
  the discussion cache off (the full server-side cost of a cold page);
- floor: raw psycopg2 fetch of the same rows in tree order + the same nested HTML built with
  ``html.escape`` and string joins, no framework at all.

Prints medians and the page's SQL query count; the last line is machine-readable:
``ratio=<page/floor> queries=<n> comments=<N>``.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/blog_bench python bench/thread_page.py
"""

import argparse
import cProfile
import gc
import html
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import elapsed_ms, reset_database, seed_post, setup_django

MONTHS = (
    "", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip


def floor_connection(dsn):
    """A plain psycopg2 connection, kept open like Django's persistent one."""
    import psycopg2

    connection = psycopg2.connect(dsn, options="-c timezone=UTC")
    connection.autocommit = True
    return connection


def floor_html(conn, post_id):
    """The same thread, fetched and turned into the same markup with nothing but the stdlib.

    Same markup as the page's thread: avatar, numbered top-level comments, author (linked or
    not), permalink with the three date forms (day and time, exact to the second), stored
    body_html, Reply link, and every reply list inside a folding <details> whose summary
    counts the replies (from lft/rght).
    """
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT id, level, lft, rght, author_name, author_url, body_html, created_at, "
            "avatar_key "
            "FROM comments_comment WHERE post_id = %s AND status = 'approved' "
            "AND kind = 'comment' ORDER BY tree_id, lft",
            [post_id],
        )
        rows = cursor.fetchall()
    escape = html.escape
    out = ['<ol class="comment-list">']
    depth = -1
    number = 0
    for cid, level, lft, rght, name, url, body_html, created, avatar in rows:
        if level <= depth:
            out.append("</li>")
            for _ in range(depth - level):
                out.append("</ol></details></li>")
        depth = level
        if level == 0:
            number += 1
            num = f'<span class="comment-number">{number}.</span> '
        else:
            num = ""
        if not name:
            author = '<span class="comment-author comment-author--unknown">Unknown author</span>'
        elif url:
            author = (
                f'<span class="comment-author" dir="auto"><a href="{escape(url)}" '
                f'rel="nofollow ugc noopener">{escape(name)}</a></span>'
            )
        else:
            author = f'<span class="comment-author" dir="auto">{escape(name)}</span>'
        stamp = f"{created:%Y-%m-%d %H:%M:%S}"  # one strftime: the title, and the clock from it
        out.append(
            f'<li class="comment" id="comment-{cid}" data-depth="{level}">'
            f'<article class="comment-card"><header class="comment-meta"><img class="avatar" '
            f'src="/avatar/{avatar}.svg" alt="" width="40" height="40" loading="lazy">'
            f"{num}{author} "
            f'<a class="comment-permalink" href="#comment-{cid}"><time '
            f'datetime="{created.isoformat()}" title="{stamp} UTC">'
            f"{MONTHS[created.month]} {created.day}, {created.year} at {stamp[11:16]}</time></a>"
            "</header>"
            f'<div class="comment-body" dir="auto">{body_html}</div>'
            f'<footer class="comment-actions"><a class="comment-reply-link" '
            f'href="?replyto={cid}#respond" data-reply-to="{cid}" rel="nofollow">Reply</a>'
            "</footer></article>"
        )
        replies = (rght - lft - 1) // 2
        if replies:
            out.append(
                f'<details class="comment-thread" open><summary>{replies} '
                f'{"reply" if replies == 1 else "replies"}</summary><ol class="comment-replies">'
            )
    if depth >= 0:
        out.append("</li>")
        out.extend("</ol></details></li>" for _ in range(depth))
    out.append("</ol>")
    return "".join(out)


def measure(n, repeat, *, profile=False, language=None, freeze=True):
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    reset_database()
    began = time.perf_counter()
    post = seed_post(n)
    print(f"seeded {n} comments in {time.perf_counter() - began:.1f} s")
    floor_db = floor_connection(settings.BENCH_DATABASE_URL)
    url = post.get_absolute_url()
    # The reader's language as a browser asks for it (LocaleMiddleware); None: the default.
    client = Client(HTTP_ACCEPT_LANGUAGE=language) if language else Client()

    # The whole thread on one page, every reply in place (no "continue this thread" cut).
    with override_settings(
        COMMENTS_PER_PAGE=0, COMMENTS_THREAD_MAX_DEPTH=1000, COMMENTS_CACHE_TIMEOUT=0
    ):

        def page():
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response

        page_bytes = len(page().content)
        with CaptureQueriesContext(connection) as queries:
            page()
        query_count = len(queries.captured_queries)
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(3):
                page()
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        floor_bytes = len(floor_html(floor_db, post.pk))
        if freeze:
            # What every gunicorn worker does once the app is loaded (gunicorn.conf.py).
            gc.collect()
            gc.freeze()
        # Interleave the two so that noise from other work on the machine hits both alike.
        page_times, floor_times = [], []
        for _ in range(repeat):
            page_times.append(elapsed_ms(page))
            floor_times.append(elapsed_ms(lambda: floor_html(floor_db, post.pk)))
    floor_db.close()
    page_ms = statistics.median(page_times)
    floor_ms = statistics.median(floor_times)
    return {
        "comments": n,
        "page_ms": page_ms,
        "floor_ms": floor_ms,
        "ratio": page_ms / floor_ms,
        "queries": query_count,
        "page_bytes": page_bytes,
        "floor_bytes": floor_bytes,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", "-n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=0, help="runs per side (default by size)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the page")
    parser.add_argument(
        "--language", help="ask for the page in this language (e.g. de); default: the site's"
    )
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="leave the start-up objects to the cycle collector (gunicorn workers freeze them)",
    )
    args = parser.parse_args(argv)
    repeat = args.repeat or (9 if args.comments >= 5_000 else 25)
    setup_django()
    result = measure(
        args.comments,
        repeat,
        profile=args.profile,
        language=args.language,
        freeze=not args.no_freeze,
    )
    print(
        f"page  median {result['page_ms']:8.1f} ms  ({result['page_bytes']:,} bytes, "
        f"whole page through the test client, cache off)"
    )
    print(
        f"floor median {result['floor_ms']:8.1f} ms  ({result['floor_bytes']:,} bytes, "
        f"psycopg2 + html.escape + join, thread only)"
    )
    print(f"median of {repeat} interleaved runs each; the machine is shared, expect noise")
    print(f"ratio={result['ratio']:.2f} queries={result['queries']} comments={result['comments']}")
    return result


if __name__ == "__main__":
    main()
