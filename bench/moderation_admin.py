"""How fast the moderation admin answers on a big discussion.

    python bench/moderation_admin.py [--comments 20000] [--runs 7]

Uses its own PostgreSQL database (BENCH_MODERATION_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/blog_mod_bench), which it creates, migrates and empties.
Seeds one post with N comments in threads of up to ~300 comments (30% pending, 5% spam), plus
one 10,000-comment tree and one thread 5,000 levels deep, then times, as a logged-in superuser
through Django's test client: the queue's first page, a search, the thread view of the biggest
ordinary thread, of the 10,000-comment tree and of the deep thread (first page and the page of
its last comment, with the page's size), and the bulk actions. Prints medians (and
min–max); the machine is shared, so expect noise.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_MODERATION_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/blog_mod_bench"
)


def setup():
    sys.path.insert(0, str(REPO))
    from bench.common import ensure_database

    ensure_database(DATABASE_URL)
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "blogapp.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def seed(count, rng):
    """One post, ``count`` comments in threads; tree fields computed here, bulk-inserted."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from blogapp.models import Post
    from comments.models import Comment

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE comments_comment, blogapp_post RESTART IDENTITY CASCADE")
    get_user_model().objects.filter(username="bench").delete()
    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "bench-pw-1")
    post = Post.objects.create(title="Big", slug="big", status="published")
    now = timezone.now()
    rows, made = [], 0
    trees = []
    while made + sum(map(len, trees)) < count:
        size = min(count - made - sum(map(len, trees)), rng.choice((1, 1, 2, 5, 20, 300)))
        trees.append([None] + [rng.randrange(i) for i in range(1, size)])
    # The two shapes issue #16/#17 name: one 10,000-comment tree (replies anywhere in it) and
    # one thread 5,000 levels deep (each comment answers the one before).
    trees.append([None] + [rng.randrange(max(0, i - 50), i) for i in range(1, 10_000)])
    trees.append([None] + list(range(5_000 - 1)))
    for tree_id, parents in enumerate(trees, start=1):
        rows += tree_rows(Comment, post, parents, tree_id, made + 1, rng, now - timedelta(
            minutes=made))  # fmt: skip
        made += len(parents)
    Comment.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('comments_comment', 'id'), %s)", [made]
        )
        cursor.execute("ANALYZE comments_comment")
    return user


def tree_rows(Comment, post, parents, tree_id, first_id, rng, newest):
    """One tree's rows, its MPTT fields computed here (``parents``: index of each parent)."""
    size = len(parents)
    children = {i: [] for i in range(size)}
    for i, parent in enumerate(parents[1:], start=1):
        children[parent].append(i)
    lft, rght, level, counter = {}, {}, {0: 0}, 1
    stack = [(0, False)]
    while stack:  # iterative DFS: deep chains must not hit the recursion limit
        node, done = stack.pop()
        if done:
            rght[node] = counter
            counter += 1
            continue
        lft[node] = counter
        counter += 1
        stack.append((node, True))
        for child in reversed(children[node]):
            level[child] = level[node] + 1
            stack.append((child, False))
    rows = []
    for i in range(size):
        status = rng.choices(["approved", "pending", "spam"], [65, 30, 5])[0]
        rows.append(
            Comment(
                id=first_id + i,
                post=post,
                parent_id=None if parents[i] is None else first_id + parents[i],
                author_name=f"Reader {rng.randrange(2000)}",
                author_email=f"r{rng.randrange(2000)}@example.com",
                ip_address=f"10.0.{rng.randrange(256)}.{rng.randrange(256)}",
                body=" ".join(rng.choice(("word", "thread", "reply", "spam")) for _ in range(40)),
                body_html="<p>…</p>",
                created_at=newest - timedelta(minutes=i),
                status=status,
                tree_id=tree_id,
                lft=lft[i],
                rght=rght[i],
                level=level[i],
            )
        )
    return rows


def timed(fn, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    setup()

    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from comments.models import Comment

    user = seed(args.comments, random.Random(42))
    client = Client()
    client.force_login(user)
    changelist = reverse("admin:comments_comment_changelist")
    biggest = (  # of the ordinary threads (up to 300)
        Comment.objects.values("tree_id").annotate(n=Count("pk")).filter(n__lte=300)
        .order_by("-n").first()["tree_id"]
    )  # fmt: skip
    root = Comment.objects.get(tree_id=biggest, level=0)
    thread = reverse("admin:comments_comment_thread", args=[root.pk])

    sizes = {}

    def get(url, **params):
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code
        sizes[url + str(params)] = len(response.content)

    def tree_view(size, **params):
        root = Comment.objects.get(tree_id=trees[size], level=0)
        last = Comment.objects.filter(tree_id=trees[size]).order_by("-lft").first()
        focus = last if params.pop("deepest", False) else root
        url = reverse("admin:comments_comment_thread", args=[focus.pk])
        return lambda: get(url, **params)

    trees = dict(
        Comment.objects.values("tree_id").annotate(n=Count("pk")).filter(n__gte=5000)
        .values_list("n", "tree_id")
    )  # fmt: skip

    def act(action, ids=None, select_across=False):
        data = {"action": action, "_selected_action": ids or [root.pk], "index": 0}
        if select_across:
            data["select_across"] = "1"
        response = client.post(changelist + "?status__exact=pending", data)
        assert response.status_code == 302, response.status_code

    page_ids = list(Comment.objects.order_by("-created_at").values_list("pk", flat=True)[:100])
    pending_total = Comment.objects.filter(status="pending").count()
    figures = [  # (key of the last line, label, what to time)
        ("queue_ms", "queue, first page (100 rows)", lambda: get(changelist)),
        ("search_ms", "queue, search 'Reader 17'", lambda: get(changelist, q="Reader 17")),
        ("pending_ms", "queue, filter pending", lambda: get(changelist, status__exact="pending")),
        ("thread_ms", f"thread view ({Comment.objects.filter(tree_id=biggest).count()} comments)",
         lambda: get(thread)),
        ("tree10k_ms", "thread view, 10,000-comment tree, page 1", tree_view(10_000)),
        ("tree10k_last_ms", "thread view, 10,000-comment tree, its last", tree_view(
            10_000, deepest=True)),
        ("deep5k_ms", "thread view, 5,000-deep thread, page 1", tree_view(5_000)),
        ("deep5k_last_ms", "thread view, 5,000-deep thread, deepest", tree_view(
            5_000, deepest=True)),
        ("remove_ms", "bulk remove 100 selected", lambda: act("remove_comments", page_ids)),
        ("restore_ms", "bulk restore 100 selected", lambda: act("restore_comments", page_ids)),
    ]  # fmt: skip
    print(f"{args.comments} comments on one post, {pending_total} pending; {args.runs} runs each")
    medians = {}
    for key, label, fn in figures:
        fn()  # warm up
        median, low, high = timed(fn, args.runs)
        medians[key] = median
        size = f"   {sizes.popitem()[1] / 1024:.0f} KB" if sizes else ""
        sizes.clear()
        print(f"  {label:<42} median {median:8.1f} ms   ({low:.1f}–{high:.1f}){size}")

    # One run only: it changes what it measures.
    start = time.perf_counter()
    act("approve_comments", select_across=True)
    elapsed = (time.perf_counter() - start) * 1000
    print(
        f"  {f'approve all {pending_total} pending (select across)':<42} once   {elapsed:8.1f} ms"
    )
    medians["approve_all_ms"] = elapsed
    print(" ".join(f"{key}={value:.1f}" for key, value in medians.items()))  # machine-readable


if __name__ == "__main__":
    main()
