"""Every page at scale: a site of many posts and comments, seeded through the importer.

    python bench/scale.py [--posts 1000 --comments 100000] [--runs 5] [--keep-site]

Generates a WordPress export (most posts 20-200 comments, three with 10,000: one of them a single
10,000-comment tree, ~5 % pending), imports it with the site's importer into its own database
(BENCH_SCALE_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/blog_scale_bench; created,
migrated and emptied unless ``--keep-site`` finds the same site there already), then times
through Django's test client (DEBUG off, the discussion cache cleared before each cold
request): home, the post list's last page, a 200-comment post, the 10,000-comment post, a deep
permalink, a search, the admin changelist, its pending filter, admin
search with many, few and no matches, the admin thread view of the big tree, and replies into
the big tree (its first 50 comments up to level 3, in turn) and into an ordinary thread, after
one untimed reply that loads what every later one reuses. Prints medians in milliseconds, cold
and warm; the last line is machine-readable: ``public_max_ms=… admin_max_ms=…
reply_big_p95_ms=… reply_small_p95_ms=… comments=…``.
"""

import argparse
import gc
import importlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.common import ensure_database, percentile  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_SCALE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/blog_scale_bench"
)
BIG = 10_000  # comments on each big post (two; three from 300,000 comments)
SINGLE_TREE_POST = 1  # the post whose comments are one tree
MULTI_THREAD_POST = 2
ORDINARY_POST, ORDINARY = 3, 200  # the ordinary post timed, and its comments
DEPTH = 10


def plan_site(posts, comments, seed=11):
    """Per post, its comments as (id, parent id or 0, draw) in the shape bench/import.py writes."""
    rnd = random.Random(seed)
    sizes = [BIG, BIG, ORDINARY] + ([BIG] if comments >= 300_000 else [])
    weights = [rnd.randint(20, 200) for _ in range(posts - len(sizes))]
    scale = (comments - sum(sizes)) / sum(weights)
    sizes += [max(1, round(w * scale)) for w in weights]
    sizes[-1] += comments - sum(sizes)  # exact total
    plan, comment_id = [], 0
    for number, size in enumerate(sizes, start=1):
        thread, level, recent = [], {0: -1}, []
        for _ in range(size):
            comment_id += 1
            if number == SINGLE_TREE_POST and thread:
                parent = rnd.choice(recent[-50:])
                while level[parent] >= DEPTH - 1:
                    parent = thread[0][0]
            elif recent and rnd.random() < 0.7:
                parent = rnd.choice(recent[-50:])
                parent = parent if level[parent] < DEPTH - 1 else 0
            else:
                parent = 0
            level[comment_id] = level[parent] + 1
            recent.append(comment_id)
            thread.append((comment_id, parent, rnd.random()))
        plan.append(thread)
    return plan


def seed_site(args):
    from django.db import connection, transaction

    generate_wxr = importlib.import_module("bench.import").generate_wxr
    from blogapp.importers import parse
    from blogapp.importers.loader import Loader
    from comments.models import Comment

    # The timed replies add comments of their own: count only the imported ones.
    if args.keep_site and Comment.objects.exclude(source="").count() == args.comments:
        print(f"reusing the site already in the database ({args.comments} comments)")
        return
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE comments_comment, blogapp_post RESTART IDENTITY CASCADE")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "site.xml"
        generate_wxr(path, plan_site(args.posts, args.comments), unapproved_share=0.05)
        started = time.perf_counter()
        with transaction.atomic():
            stats = Loader().load(parse(path, "wxr"))
        elapsed = time.perf_counter() - started
    print(
        f"imported {stats.comments_created} comments on {stats.posts_created} posts in "
        f"{elapsed:.1f} s ({stats.comments_created / elapsed:,.0f}/s)"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def timed(client, url, *, runs, cold):
    from django.core.cache import cache

    times = []
    for _ in range(runs):
        if cold:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 302), (url, response.status_code)
    return statistics.median(times), len(response.content)


def reply_times(client, post, parent_ids, count):
    """Milliseconds per reply through the comment form, each with its own one-time token."""
    from comments.submission import new_form_token

    times = []
    run = time.time_ns()  # a kept site has this run's texts already: the duplicate check
    for i in range(count):
        data = {
            "name": "Scale",
            "email": f"scale{i}@example.com",
            "url": "",
            "body": f"A reply at scale, number {i} of run {run}.",
            "token": new_form_token(),
            "parent": str(parent_ids[i % len(parent_ids)]),
        }
        started = time.perf_counter()
        response = client.post(f"/posts/{post.slug}/comment/", data)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, (response.status_code, response.content[-2000:])
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--keep-site", action="store_true", help="reuse a seeded site")
    args = parser.parse_args()
    if args.comments < 4 * BIG or args.posts < 10:
        sys.exit(f"--comments must be at least {4 * BIG}, --posts at least 10")

    ensure_database(DATABASE_URL)
    os.environ.update(
        DATABASE_URL=DATABASE_URL,
        DJANGO_SETTINGS_MODULE="blogapp.settings.dev",
        DEBUG="0",
        ALLOWED_HOSTS="testserver",
        COMMENTS_MODERATION="none",
        COMMENTS_RATE_LIMIT_COUNT="0",
        COMMENTS_NOTIFICATIONS_ENABLED="0",
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from blogapp.models import Post
    from comments.models import Comment

    call_command("migrate", verbosity=0, interactive=False)
    seed_site(args)

    single_tree = Post.objects.get(slug=f"bench-post-{SINGLE_TREE_POST}")
    big = Post.objects.get(slug=f"bench-post-{MULTI_THREAD_POST}")
    ordinary = Post.objects.get(slug=f"bench-post-{ORDINARY_POST}")
    deepest = Comment.objects.filter(post=single_tree).order_by("-level", "pk").first()
    root = Comment.objects.get(post=single_tree, level=0)
    last_page = (Post.objects.published().count() - 1) // 10 + 1

    reader = Client()
    admin = Client()
    user = get_user_model().objects.filter(username="scale").first()
    user = user or get_user_model().objects.create_superuser("scale", "s@example.com", "scale-pw")
    admin.force_login(user)
    changelist = reverse("admin:comments_comment_changelist")
    pages = [
        ("home", reader, "/"),
        ("post list, last page", reader, f"/?page={last_page}"),
        (f"post, {ordinary.comments.count()} comments", reader, ordinary.get_absolute_url()),
        (f"post, {BIG:,} comments", reader, big.get_absolute_url()),
        (f"permalink, level {deepest.level}", reader, f"/comment/{deepest.pk}/"),
        ("search", reader, reverse("blogapp:search") + "?q=lorem+consectetur"),
    ]
    admin_pages = [
        ("admin changelist", admin, changelist),
        ("admin pending filter", admin, changelist + "?status__exact=pending"),
        ("admin search, many matches", admin, changelist + "?q=lorem"),
        ("admin search, few matches", admin, changelist + "?q=User+977"),
        ("admin search, no match", admin, changelist + "?q=zzqqxxnomatch"),
        (
            f"admin thread view, {BIG:,}-comment tree",
            admin,
            reverse("admin:comments_comment_thread", args=[root.pk]),
        ),
    ]

    # As every gunicorn worker does after start-up (gunicorn.conf.py): what is loaded so far
    # (the seeding's leftovers included) is no work for the cycle collector during the runs.
    gc.collect()
    gc.freeze()
    print(f"{'page':<40} {'cold ms':>9} {'warm ms':>9} {'KiB':>7}")
    public, backoffice = [], []
    for group, rows in ((public, pages), (backoffice, admin_pages)):
        for name, client, url in rows:
            cold, size = timed(client, url, runs=args.runs, cold=True)
            warm, _ = timed(client, url, runs=args.runs, cold=False)
            group.append(cold)
            print(f"{name:<40} {cold:9.1f} {warm:9.1f} {size / 1024:7.0f}")

    # Replies go to comments a reader may answer (a held one is refused).
    answerable = Comment.objects.filter(status="approved", kind="comment").order_by("pk")
    tree_ids = list(
        answerable.filter(post=single_tree, level__lte=3).values_list("pk", flat=True)[:50]
    )
    small_ids = list(answerable.filter(post=ordinary).values_list("pk", flat=True)[:50])
    # One untimed reply first: the process's first POST loads what every later one reuses.
    reply_times(reader, ordinary, small_ids, 1)
    big_replies = reply_times(reader, single_tree, tree_ids, args.replies)
    small_replies = reply_times(reader, ordinary, small_ids, args.replies)
    replies = (("reply into the big tree", big_replies), ("reply, ordinary", small_replies))
    for name, times in replies:
        print(
            f"{name:<40} median {statistics.median(times):.1f} ms, "
            f"p95 {percentile(times, 0.95):.1f} ms"
        )
    print(
        f"public_max_ms={max(public):.1f} admin_max_ms={max(backoffice):.1f} "
        f"reply_big_p95_ms={percentile(big_replies, 0.95):.1f} "
        f"reply_small_p95_ms={percentile(small_replies, 0.95):.1f} comments={args.comments}"
    )


if __name__ == "__main__":
    main()
