"""What every benchmark shares: Django set-up on the bench database and the seeded thread."""

import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/blog_bench"
MAX_LEVEL = 8  # replies nest down to this depth
TOP_LEVEL_SHARE = 0.3
WORDS = (  # noqa: SIM905 - a sentence reads better than a 54-item list
    "thread reply comment blog post agree disagree point argument example reason since because "
    "however although indeed perhaps really quite rather simply think believe know wrong right "
    "true false data code test page server query cache index tree node depth level time year "
    "people reader writer author editor quote link source article paragraph sentence word"
).split()
NAMES = ("Ann", "Bob", "Cy", "Di", "Ed", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kim", "Lou", "<Mo>")


def ensure_database(url):
    """Create the PostgreSQL database named by ``url`` if it does not exist yet."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(url)
    server = psycopg2.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
    )
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    server.close()


def setup_django():
    """Configure Django with the bench settings, creating and migrating the bench database."""
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    ensure_database(os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_BENCH_DATABASE_URL))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def reset_database():
    """Empty the bench database's posts, comments and the tasks their writes enqueued (it
    belongs to the benchmarks)."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from blogapp.models import Post
    from comments.models import Comment, SpamEvidence, SpamFeatureCount, SpamRule

    models = (Comment, Post, DBTaskResult, SpamEvidence, SpamFeatureCount, SpamRule)
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


SPAM_WORDS = (  # noqa: SIM905
    "free gift cards subscribe channel money bonus casino cheap pills followers promo win "
    "click visit offer deal discount prize winner cash earn online now today limited"
).split()


def seed_spam_model(documents=4000, seed=11):
    """A trained spam filter, as a site's would be after months of decisions: ``documents``
    labelled comments (a quarter spam) over a vocabulary of ~20,000 made-up words, learned
    through the filter's own features and counts (``comments.spamfilter``)."""
    from collections import defaultdict

    from comments.spamfilter import store
    from comments.spamfilter.models import TOTALS_KEY
    from comments.spamfilter.screening import features_of

    rng = random.Random(seed)
    vocabulary = [*WORDS, *(f"{rng.choice(WORDS)}{n}" for n in range(20_000))]
    deltas = defaultdict(lambda: [0, 0])
    for n in range(documents):
        spam = n % 4 == 0
        words = [rng.choice(vocabulary) for _ in range(rng.randint(5, 60))]
        if spam:
            words += rng.sample(SPAM_WORDS, 4)
            words.append(f"https://promo{rng.randint(1, 300)}.example.com/")
        keys = features_of(body=" ".join(words), author_name="", author_email=f"a{n}@example.org",
                           author_url="")  # fmt: skip
        for key in (TOTALS_KEY, *keys):
            deltas[key][0 if spam else 1] += 1
    store.add_counts(deltas)
    return len(deltas)


def _bodies(rng, count=200, length=300):
    from comments.text import render_plain_text

    bodies = []
    for _ in range(count):
        words = []
        while sum(len(w) + 1 for w in words) < length:
            words.append(rng.choice(WORDS))
        text = " ".join(words).capitalize() + "."
        if rng.random() < 0.2:
            text += "\n\nSee https://example.org/a?b=1&c=2 <for> more."
        bodies.append((text, render_plain_text(text)))
    return bodies


def plan_thread(n, rng):
    """Parents (index or None) for n comments: ~30% top-level, replies down to MAX_LEVEL."""
    parents, levels, threads = [], [], []  # threads: list of node indexes per top-level comment
    thread_of = []
    for i in range(n):
        if i == 0 or rng.random() < TOP_LEVEL_SHARE:
            parents.append(None)
            levels.append(0)
            thread_of.append(len(threads))
            threads.append([i])
            continue
        # Discussions happen in recent threads; half the replies answer the latest reply there.
        thread = threads[rng.randrange(max(0, len(threads) - 30), len(threads))]
        candidates = [j for j in thread[-12:] if levels[j] < MAX_LEVEL] or [thread[0]]
        parent = candidates[-1] if rng.random() < 0.5 else rng.choice(candidates)
        parents.append(parent)
        levels.append(levels[parent] + 1)
        thread_of.append(thread_of[parent])
        thread.append(i)
    return parents, levels


def mptt_fields(parents, first_tree_id):
    """(tree_id, lft, rght, level) per node, as django-mptt would have stored them."""
    n = len(parents)
    children = [[] for _ in range(n)]
    roots = []
    for i, parent in enumerate(parents):
        (roots if parent is None else children[parent]).append(i)
    fields = [None] * n
    for offset, root in enumerate(roots):
        tree_id = first_tree_id + offset
        counter = 1
        stack = [(root, 0, False)]
        lft = {}
        while stack:
            node, level, done = stack.pop()
            if done:
                fields[node] = (tree_id, lft[node], counter, level)
                counter += 1
                continue
            lft[node] = counter
            counter += 1
            stack.append((node, level, True))
            for child in reversed(children[node]):
                stack.append((child, level + 1, False))
    return fields


def seed_post(n, *, seed=7, slug=None, comments_open=True):
    """A published post with n approved comments, built with bulk_create in seconds."""
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from blogapp.models import Post
    from comments.avatars import avatar_key
    from comments.models import Comment

    rng = random.Random(seed)
    bodies = _bodies(rng)
    parents, levels = plan_thread(n, rng)
    start = timezone.now() - timedelta(days=400)
    with transaction.atomic():
        post = Post.objects.create(
            title=f"A post with {n} comments",
            slug=slug or f"bench-{n}",
            body="<p>The post.</p>",
            author_name="Editor",
            published_at=start - timedelta(days=1),
            status=Post.Status.PUBLISHED,
            comments_open=comments_open,
        )
        first_tree_id = (Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
        fields = mptt_fields(parents, first_tree_id)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Comment._meta.db_table, n],
            )
            ids = [row[0] for row in cursor.fetchall()]
        rows = []
        for i in range(n):
            text, html = bodies[i % len(bodies)]
            name = rng.choice(NAMES) if rng.random() > 0.02 else ""
            tree_id, lft, rght, level = fields[i]
            rows.append(
                Comment(
                    id=ids[i],
                    post=post,
                    parent_id=None if parents[i] is None else ids[parents[i]],
                    author_name=name,
                    author_email=f"{name.lower().strip('<>')}@example.org" if name else "",
                    author_url=f"https://{name.strip('<>').lower()}.example/"
                    if name and rng.random() < 0.3
                    else "",
                    body=text,
                    body_html=html,
                    created_at=start + timedelta(minutes=i * 3 + rng.randrange(3)),
                    status=Comment.Status.APPROVED,
                    kind=Comment.Kind.COMMENT,
                    tree_id=tree_id,
                    lft=lft,
                    rght=rght,
                    level=level,
                    # Stored at write time, as comment_create and comments.bulk do.
                    avatar_key=avatar_key(
                        email=f"{name.lower().strip('<>')}@example.org" if name else "", name=name
                    ),
                )
            )
        Comment.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:
        # As autovacuum would have done by the time anyone reads a post this size: fresh
        # statistics and a visibility map, so index-only scans are possible.
        cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(Comment._meta.db_table)}")
    return post


def median_ms(run, repeat):
    """Median wall time of ``run()`` in milliseconds, after one warm-up call."""
    run()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def elapsed_ms(run):
    """Wall time of one call of ``run()`` in milliseconds."""
    began = time.perf_counter()
    run()
    return (time.perf_counter() - began) * 1000


def tree_problems(post_id):
    """Every way the post's comment trees disagree with their parent links (empty: valid);
    tests/tree_check.py says what is checked."""
    from tests.tree_check import tree_problems as problems

    return problems(post_id=post_id)


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """The app under gunicorn on 127.0.0.1 with the bench settings, for the duration of a with."""

    def __init__(self, workers=None):
        self.port = free_port()
        self.workers = workers
        self.process = None

    def __enter__(self):
        import http.client
        import subprocess

        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        command = [
            sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
            "--bind", f"127.0.0.1:{self.port}", "--access-logfile", "/dev/null",
            "--max-requests", "0", "--log-level", "warning",
        ]  # fmt: skip
        if self.workers:
            command += ["--workers", str(self.workers)]
        self.process = subprocess.Popen([*command, "blogapp.wsgi"], cwd=REPO, env=env)
        deadline = time.monotonic() + 60
        while True:
            probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                probe.request("GET", "/")
                if probe.getresponse().status == 200:
                    return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.3)
            finally:
                probe.close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc):
        import subprocess

        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def percentile(values, share):
    """The value below which ``share`` (0..1) of ``values`` fall (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]
