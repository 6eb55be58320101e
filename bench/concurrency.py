"""Concurrent comment writers against a real gunicorn server on PostgreSQL.

    python bench/concurrency.py [--writers 32 --replies 50 --starters 8 --threads 20]

Starts gunicorn (gunicorn.conf.py, production settings) on a free port of 127.0.0.1, then many
client threads post replies at random comments of ONE thread while others start new threads,
all through the public form over HTTP. A share of the forms is sent twice (a double click).
Afterwards it reads the database and prints comments/second, latency, and every lost or
duplicated comment, and whether the thread's MPTT fields still match its parent links; the
last line is machine-readable (``comments_per_s=… p50_ms=… p95_ms=… lost=… duplicated=…
tree_valid=…``).

``--lock-profile`` also has the server log each thread lock's wait and hold time (the
``comments.locks`` logger at DEBUG, JSON lines) and prints where the time goes: per lock kind
(a reply's thread lock, a new thread's tree-id lock) how long writers waited for it and held
it (from taking it to the commit that releases it), beside the server's own time per POST.

Form tokens are minted here with the server's own secret instead of fetching the page before
every post, so the figure is the write path's. Bounded: --timeout seconds overall.
Writes to its own database (--database-url, default blog_concurrency_bench on the local
PostgreSQL, created and migrated if needed) and uses Redis on 127.0.0.1:6379 when it answers.
Figures on a shared machine are noisy.
"""

import argparse
import http.client
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/blog_concurrency_bench"
REDIS_URL = "redis://127.0.0.1:6379/0"

from bench.common import ensure_database  # noqa: E402


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_answers():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def server_environment(args, port):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="blogapp.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=args.database_url,
        COMMENTS_RATE_LIMIT_COUNT="0",  # one client address posts everything here
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(args.workers),
        CACHE_KEY_PREFIX=f"bench-{os.getpid()}",
        LOG_FORMAT="json",
    )
    if args.lock_profile:
        env["LOCK_LOG_LEVEL"] = "DEBUG"
    if redis_answers():
        env["REDIS_URL"] = REDIS_URL
    else:
        env.pop("REDIS_URL", None)
    return env


def wait_until_serving(port, process, deadline):
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start in time")


class Writer:
    """One browser: a CSRF cookie, a keep-alive connection, and posts."""

    def __init__(self, port, post, tokens):
        self.port = port
        self.post = post
        self.tokens = tokens
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.conn.request("GET", post.get_absolute_url())
        response = self.conn.getresponse()
        response.read()
        cookie = response.getheader("Set-Cookie") or ""
        match = re.search(r"csrftoken=([^;]+)", cookie)
        if not match:
            raise RuntimeError("no CSRF cookie on the post page")
        self.csrf = match.group(1)

    def send(self, fields):
        body = urlencode({**fields, "csrfmiddlewaretoken": self.csrf})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={self.csrf}",
        }
        started = time.perf_counter()
        self.conn.request("POST", f"/posts/{self.post.slug}/comment/", body, headers)
        response = self.conn.getresponse()
        page = response.read().decode(errors="replace")
        elapsed = time.perf_counter() - started
        location = response.getheader("Location") or ""
        match = re.fullmatch(r"/comment/(\d+)/", location)
        if match:
            return response.status, int(match.group(1)), elapsed
        error = re.search(r'class="(?:form|field)-error"[^>]*>([^<]+)', page)
        return f"{response.status} {error.group(1) if error else ''}".strip(), None, elapsed

    def close(self):
        self.conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=32, help="threads replying in one thread")
    parser.add_argument("--replies", type=int, default=50, help="replies per writer")
    parser.add_argument("--starters", type=int, default=8, help="threads starting new threads")
    parser.add_argument("--threads", type=int, default=20, help="new threads per starter")
    parser.add_argument("--double-every", type=int, default=10, help="send every Nth form twice")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--timeout", type=float, default=300, help="overall limit in seconds")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--lock-profile", action="store_true",
                        help="print how long thread locks were waited for and held")  # fmt: skip
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    ensure_database(args.database_url)
    port = free_port()
    env = server_environment(args, port)
    os.environ.update(env)
    os.environ.pop("LOCK_LOG_LEVEL", None)  # the server's profile, not this process's setup
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip

    import django

    django.setup()
    from django.db import connection

    from comments.models import Comment
    from comments.services import comment_create
    from comments.submission import new_form_token
    from tests.factories import make_post
    from tests.tree_check import tree_problems

    post = make_post(slug=f"bench-concurrency-{int(time.time())}-{os.getpid()}")
    root = comment_create(post=post, author_name="Root", body="root", status="approved")
    # Regular commenters: each writer's email already has an approved comment elsewhere, so
    # the default moderation policy (hold first-time commenters) publishes their replies.
    regulars = make_post(slug=f"{post.slug}-regulars")
    for index in range(args.writers + args.starters):
        email = f"writer{index}@bench.example"
        comment_create(post=regulars, author_name="Regular", author_email=email, body="hi",
                       status="approved")  # fmt: skip
    connection.close()

    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - gunicorn writes it while we run
        "w+", prefix="bench-gunicorn-", suffix=".log", delete=False
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "blogapp.wsgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    print(f"gunicorn on 127.0.0.1:{port}, log in {log.name}")
    try:
        wait_until_serving(port, server, min(deadline, time.monotonic() + 60))
        results = run_writers(args, port, post, root, new_form_token, deadline)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    if args.lock_profile:
        lock_profile(log.name)
    return report(args, post, root, results, Comment, tree_problems)


def lock_profile(log_path):
    """Where a POST's time goes, from the server's JSON log lines."""
    import json

    waited, held, served = {}, {}, []
    with open(log_path) as lines:
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if record.get("logger") == "comments.locks":
                waited.setdefault(record["lock"], []).append(record["waited_ms"])
                held.setdefault(record["lock"], []).append(record["held_ms"])
            elif record.get("logger") == "blogapp.requests" and record.get("method") == "POST":
                served.append(record["duration_ms"])

    def spread(values):
        values = sorted(values)
        return (f"median {statistics.median(values):.1f} ms, "
                f"p95 {values[int(len(values) * 0.95) - 1]:.1f} ms")  # fmt: skip

    print("lock profile (server side):")
    for kind in sorted(waited):
        print(f"  {kind} lock x{len(waited[kind])}: waited {spread(waited[kind])}; "
              f"held {spread(held[kind])}")  # fmt: skip
    if served:
        print(f"  POST in the app (request line): {spread(served)}")


def run_writers(args, port, post, root, new_form_token, deadline):
    pool = [root.pk]
    lock = threading.Lock()
    accepted = []  # (comment id, body)
    twins = []  # (first id, second id) for forms sent twice
    failures = Counter()
    latencies = []
    start = threading.Barrier(args.writers + args.starters + 1, timeout=120)

    def work(index, count, replying):
        rng = random.Random(index)
        writer = Writer(port, post, new_form_token)
        start.wait()
        try:
            for n in range(count):
                if time.monotonic() > deadline:
                    failures["not sent: out of time"] += 1
                    continue
                body = (
                    f"bench {'reply' if replying else 'thread'} {index}-{n} {secrets.token_hex(4)}"
                )
                fields = {
                    "name": f"Writer {index}",
                    "email": f"writer{index}@bench.example",
                    "body": body,
                    "token": new_form_token(),
                }
                if replying:
                    with lock:
                        fields["parent"] = rng.choice(pool)
                status, comment_id, elapsed = writer.send(fields)
                with lock:
                    latencies.append(elapsed)
                    if comment_id is None:
                        failures[f"HTTP {status}"[:120]] += 1
                        continue
                    accepted.append((comment_id, body))
                    if replying:
                        pool.append(comment_id)
                if args.double_every and n % args.double_every == 0:
                    status, twin_id, _ = writer.send(fields)
                    with lock:
                        twins.append((comment_id, twin_id))
        finally:
            writer.close()

    workers = [
        threading.Thread(target=work, args=(i, args.replies, True)) for i in range(args.writers)
    ] + [
        threading.Thread(target=work, args=(args.writers + i, args.threads, False))
        for i in range(args.starters)
    ]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join(timeout=max(1, deadline - time.monotonic()))
    elapsed = time.perf_counter() - began
    return {
        "accepted": accepted,
        "twins": twins,
        "failures": failures,
        "latencies": latencies,
        "elapsed": elapsed,
    }


def report(args, post, root, results, Comment, tree_problems):
    accepted = results["accepted"]
    stored = dict(Comment.objects.filter(post=post).exclude(pk=root.pk).values_list("pk", "body"))
    acknowledged = dict(accepted)
    lost = sorted(set(acknowledged) - set(stored))
    unacknowledged = sorted(set(stored) - set(acknowledged))
    duplicated = {body: n for body, n in Counter(stored.values()).items() if n > 1}
    twins_split = [pair for pair in results["twins"] if pair[0] != pair[1]]
    tree_ok = not tree_problems(post=post)
    latencies = sorted(results["latencies"])
    elapsed = results["elapsed"]

    planned = args.writers * args.replies + args.starters * args.threads
    print(f"writers: {args.writers} replying in one thread + {args.starters} starting threads; "
          f"gunicorn workers: {args.workers}")  # fmt: skip
    print(f"comments planned {planned}, acknowledged {len(accepted)}, stored {len(stored)}")
    posts = len(latencies) + len(results["twins"])
    print(f"elapsed {elapsed:.2f} s -> {len(accepted) / elapsed:.1f} comments/s "
          f"({posts / elapsed:.1f} POSTs/s, {len(results['twins'])} forms resent)")  # fmt: skip
    p50 = p95 = 0.0
    if latencies:
        p50 = statistics.median(latencies)
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        print(f"POST latency: median {p50 * 1000:.0f} ms, "
              f"p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")  # fmt: skip
    print(f"failed posts: {dict(results['failures']) or 'none'}")
    print(f"lost (acknowledged, not stored): {len(lost)} {lost[:10]}")
    print(f"stored but never acknowledged: {len(unacknowledged)} {unacknowledged[:10]}")
    print(f"duplicated bodies: {len(duplicated)}; "
          f"resent forms that made a second comment: {len(twins_split)}")  # fmt: skip
    print(f"tree fields match parent links: {'yes' if tree_ok else 'NO'}")
    print(
        f"comments_per_s={len(accepted) / elapsed:.1f} p50_ms={p50 * 1000:.0f} "
        f"p95_ms={p95 * 1000:.0f} lost={len(lost)} duplicated={len(duplicated) + len(twins_split)} "
        f"tree_valid={'yes' if tree_ok else 'no'}"
    )
    return 0 if tree_ok and not (lost or unacknowledged or duplicated or twins_split) else 1


if __name__ == "__main__":
    sys.exit(main())
