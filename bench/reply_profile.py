"""One reply POST, in process: its SQL queries with their times, and its CPU time.

    python bench/reply_profile.py [--comments 10000] [--replies 200] [--profile] [--explain]
                                  [--without-spam-filter]

Seeds a post (bench settings, BENCH_DATABASE_URL; rate limit off), then posts replies at
random comments through the Django test client, as the public form does, each with a fresh
one-time form token signed in process. Prints the median CPU time (this process: Django and
the database driver) and wall time per POST, PostgreSQL's CPU per POST (its backend process,
when the server runs on this machine), and every distinct SQL statement of one POST with its
median time. ``--explain`` adds EXPLAIN ANALYZE of each SELECT's slowest run; ``--profile`` a
cProfile of all POSTs.

The spam filter is trained first (``bench.common.seed_spam_model``) and its share is
printed: the CPU time of screening a comment (the rules and the filter's score, with their
one query as the driver sees it) and of storing its evidence, against the whole POST's.
``--without-spam-filter`` runs with ``COMMENTS_SPAM_FILTER_ENABLED=0``.
"""

import argparse
import cProfile
import os
import pstats
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import reset_database, seed_post, seed_spam_model, setup_django, tree_problems

WARMUP = 5
EMAIL = "ann@example.org"  # a seeded commenter's address: the known-commenter path


def statement_shape(sql):
    """The statement with its literal values blanked, so repeated runs group together."""
    shape = re.sub(r"'(?:[^']|'')*'", "?", sql)
    return re.sub(r"\b\d+(?:\.\d+)?\b", "?", shape)


class CpuMeter:
    """Wraps a function; adds the CPU time of each call to ``spent``."""

    def __init__(self, module, name):
        self.spent = 0.0
        original = getattr(module, name)

        def timed(*args, **kwargs):
            began = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent += time.process_time() - began

        setattr(module, name, timed)


class QueryTimer:
    """Every statement run, with its time to the microsecond (Django's own log rounds to ms)."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - began) * 1000, sql, params))


class BackendCpu:
    """The CPU time of this connection's PostgreSQL backend process, from /proc (a server on
    this machine only; None elsewhere)."""

    def __init__(self, connection):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self._stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        self._began = None

    def _now(self):
        try:
            fields = self._stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def start(self):
        self._began = self._now()

    def spent(self):
        now = self._now()
        return None if now is None or self._began is None else now - self._began


def post_reply(client, post, parent_id, number, email):
    from comments import submission

    data = {
        "name": "Profiler",
        "email": email,
        "url": "",
        "body": f"profiled reply {number}",
        "parent": "" if parent_id is None else str(parent_id),
        "token": submission.new_form_token(),
        "homepage": "",
    }
    response = client.post(f"/posts/{post.slug}/comment/", data)
    assert response.status_code == 302, response.status_code
    # The page the browser is sent to would show (and clear) the "awaiting moderation" message.
    client.cookies.pop("messages", None)
    return response


def explain(sql, params):
    from django.db import connection, transaction

    # EXPLAIN ANALYZE runs the statement: roll back whatever it changes.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return plan


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--email", default=EMAIL, help="the form's email ('' for none)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the POSTs")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each statement")
    parser.add_argument("--without-spam-filter", action="store_true")
    args = parser.parse_args(argv)
    if args.without_spam_filter:
        os.environ["COMMENTS_SPAM_FILTER_ENABLED"] = "0"
    setup_django()
    from comments.spamfilter import screening

    screen_meter = CpuMeter(screening, "screen")
    evidence_meter = CpuMeter(screening, "save_evidence")

    from django.db import connection
    from django.test import Client

    reset_database()
    features = seed_spam_model()
    post = seed_post(args.comments, slug="reply-profile")
    parent_ids = list(post.comments.values_list("id", flat=True))
    rng = random.Random(7)
    client = Client()
    cpu_ms, wall_ms, counts, filter_ms = [], [], [], []
    by_shape = defaultdict(list)  # shape -> [(ms, sql, params)]
    profiler = cProfile.Profile() if args.profile else None
    backend = BackendCpu(connection)
    for number in range(WARMUP + args.replies):
        if number == WARMUP:
            backend.start()
        parent_id = None if rng.random() < 0.1 else rng.choice(parent_ids)
        captured = QueryTimer()
        with connection.execute_wrapper(captured):
            if profiler and number >= WARMUP:
                profiler.enable()
            screen_meter.spent = evidence_meter.spent = 0.0
            cpu, wall = time.process_time(), time.perf_counter()
            post_reply(client, post, parent_id, number, args.email)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            screened = screen_meter.spent + evidence_meter.spent
            if profiler and number >= WARMUP:
                profiler.disable()
        if number < WARMUP:
            continue
        cpu_ms.append(cpu * 1000)
        wall_ms.append(wall * 1000)
        filter_ms.append(screened * 1000)
        counts.append(len(captured.queries))
        for ms, sql, params in captured.queries:
            by_shape[statement_shape(sql)].append((ms, sql, params))

    replies = len(cpu_ms)
    print(
        f"{replies} reply POSTs on a {args.comments}-comment post (email {args.email!r}): "
        f"CPU median {statistics.median(cpu_ms):.2f} ms, wall median "
        f"{statistics.median(wall_ms):.2f} ms, queries per POST median "
        f"{statistics.median(counts):g} (min {min(counts)}, max {max(counts)})"
    )
    spent = backend.spent()
    if spent is not None:
        print(f"PostgreSQL's CPU per POST (its backend process): {spent / replies * 1000:.2f} ms")
    share = statistics.median(f / c for f, c in zip(filter_ms, cpu_ms, strict=True) if c)
    state = "off" if args.without_spam_filter else f"on, a model of {features:,} features"
    print(
        f"spam filter {state}: screening (rules, score) and evidence CPU median "
        f"{statistics.median(filter_ms):.2f} ms per POST, {share:.1%} of the POST's CPU"
    )
    total = 0.0
    print("per POST  median ms  runs  statement")
    for shape, runs in sorted(by_shape.items(), key=lambda item: -sum(t for t, _, _ in item[1])):
        times = [t for t, _, _ in runs]
        per_post = sum(times) / replies
        total += per_post
        print(f"{per_post:8.3f}  {statistics.median(times):9.3f}  {len(runs):4d}  {shape[:220]}")
    print(f"SQL time per POST (as the driver sees it): {total:.2f} ms")
    if args.explain:
        # Re-run each SELECT of the last POST with its own values: the plan PostgreSQL picks.
        for shape, runs in by_shape.items():
            _, sql, params = max(runs, key=lambda run: run[0])
            if not sql.lstrip().upper().startswith("SELECT") or "pg_advisory" in sql:
                continue
            print(f"\n-- {shape[:300]}")
            print("\n".join(explain(sql, params)))
    problems = tree_problems(post.pk)
    print(f"tree valid: {'yes' if not problems else problems[:5]}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    print(
        f"cpu_ms={statistics.median(cpu_ms):.2f} filter_ms={statistics.median(filter_ms):.2f} "
        f"filter_share={share:.3f}"
    )


if __name__ == "__main__":
    main()
