"""Notification mail: what a comment costs the request, and how fast workers deliver.

    python bench/notifications.py [--subscribers 1000] [--workers 1,2]

Uses its own PostgreSQL database (BENCH_NOTIFY_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/blog_bench_notify), which it creates, migrates and empties,
and a local SMTP sink (bench/smtp_sink.py, its own process) on a free port. Measures:

- the write path (``comment_create``) on a post without subscribers and on one with N: its SQL
  statements (the same: the request only enqueues one task) and median time;
- one comment on a post with N confirmed subscribers, delivered by real ``comments_worker``
  processes (1, then 2): the fan-out (every mail queued) and the time until the SMTP server
  has received every mail; mails/s; then every address checked: one mail each, none to the
  author, no duplicates.

The last line is machine-readable (``key=value``) for bench/run_all.py.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_NOTIFY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/blog_bench_notify"
)
AUTHOR = "author@example.com"


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


def reset():
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from blogapp.models import Post
    from comments.models import Comment, OutgoingMail, Subscription, WebhookDelivery

    models = (OutgoingMail, WebhookDelivery, Subscription, Comment, Post, DBTaskResult)
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def make_post(slug, subscribers):
    from blogapp.models import Post
    from comments.models import Subscription

    post = Post.objects.create(title=slug.title(), slug=slug, status="published")
    Subscription.objects.bulk_create(
        Subscription(post=post, email=f"reader{i}@example.com", status="confirmed")
        for i in range(subscribers)
    )
    return post


def write_path(post, runs=50):
    """Median ms and SQL statements of comment_create (its own transaction, committed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from comments.services import comment_create

    times, queries = [], []
    for i in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            comment_create(post=post, body=f"Write path {i}.", author_name="Bench",
                           author_email=AUTHOR, status="approved")  # fmt: skip
            times.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured.captured_queries))
    return statistics.median(times), max(queries)


def start_workers(count, smtp_port):
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "blogapp.settings.test",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "SITE_URL": "http://127.0.0.1:8000",
    }
    return [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "comments_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.05",
                "--verbosity",
                "0",
            ],
            cwd=REPO,
            env=env,
        )  # fmt: skip
        for _ in range(count)
    ]


def wait(condition, timeout=600):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the workers")
        time.sleep(0.02)


def delivery_run(workers, subscribers):
    """One comment to ``subscribers`` addresses through ``workers`` worker processes."""
    from bench.smtp_sink import Sink
    from comments.models import OutgoingMail
    from comments.services import comment_create

    reset()
    post = make_post("fanout", subscribers)
    sink = Sink()
    sink.start()
    processes = start_workers(workers, sink.port)
    recipients = []
    try:
        time.sleep(2)  # let the workers start (imports, first poll) before the clock runs
        start = time.perf_counter()
        comment_create(post=post, body="One comment for everyone.", author_name="Bench",
                       author_email="reader0@example.com", status="approved")  # fmt: skip
        expected = subscribers - 1  # the author (reader0) is not told about their own comment
        wait(lambda: OutgoingMail.objects.count() >= expected)
        queued = time.perf_counter() - start
        wait(lambda: sink.count >= expected)
        delivered = time.perf_counter() - start
        time.sleep(1)  # anything sent twice would arrive now
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
        recipients = sink.stop()
    wanted = {f"reader{i}@example.com" for i in range(1, subscribers)}
    return {
        "queued_s": queued,
        "delivered_s": delivered,
        "mails_per_s": expected / delivered,
        "duplicates": len(recipients) - len(set(recipients)),
        "missing": len(wanted - set(recipients)),
        "to_author": recipients.count("reader0@example.com"),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args(argv)
    setup()

    reset()
    quiet = make_post("quiet", 0)
    busy = make_post("busy", args.subscribers)
    none_ms, none_queries = write_path(quiet)
    busy_ms, busy_queries = write_path(busy)
    print(f"write path, no subscribers: {none_ms:.2f} ms, {none_queries} statements")
    print(f"write path, {args.subscribers:,} subscribers: {busy_ms:.2f} ms, "
          f"{busy_queries} statements")  # fmt: skip

    figures = {
        "subscribers": args.subscribers,
        "write_ms_none": f"{none_ms:.2f}",
        "write_ms_busy": f"{busy_ms:.2f}",
        "write_queries_none": none_queries,
        "write_queries_busy": busy_queries,
    }
    problems = 0
    for count in (int(n) for n in args.workers.split(",")):
        run = delivery_run(count, args.subscribers)
        print(f"{count} worker(s): all {args.subscribers - 1:,} mails queued after "
              f"{run['queued_s']:.2f} s, delivered after {run['delivered_s']:.2f} s "
              f"({run['mails_per_s']:.0f} mails/s); duplicates {run['duplicates']}, "
              f"missing {run['missing']}, to the author {run['to_author']}")  # fmt: skip
        figures[f"mails_per_s_{count}"] = f"{run['mails_per_s']:.0f}"
        figures[f"delivered_s_{count}"] = f"{run['delivered_s']:.2f}"
        figures[f"queued_s_{count}"] = f"{run['queued_s']:.2f}"
        problems += run["duplicates"] + run["missing"] + run["to_author"]
    figures["problems"] = problems
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
