"""Faults under load: commenters keep posting while Redis or PostgreSQL fails and comes back.

    python bench/faults.py [--clients 4] [--steady 2] [--outage 3]

Everything runs on servers of its own (tests/servers.py), never the shared ones: a
``redis-server`` and a PostgreSQL cluster (``initdb``/``pg_ctl``) on free ports, and the app
under gunicorn with the production-like bench settings (``bench/settings.py``: DEBUG off,
Redis cache with its short socket timeouts). ``--clients`` posting clients reply to the demo
post without pause, each comment with a text of its own; a client answered 503 checks that
the page kept its text and sends the same form again (as a reader would) until it is taken.

In turn: Redis stopped, Redis stalled (SIGSTOP), PostgreSQL stopped (``-m immediate``), each
for ``--outage`` seconds between ``--steady`` seconds of normal running, then brought back;
the app is never restarted. Per fault it prints attempts (POSTs), accepted (302 to the
comment), lost (a text neither stored nor given back), duplicated (a text stored twice), 5xx
other than 503, 503s that kept the text (and any that did not), and the seconds from the
server's return until /readyz reports every part healthy and a new comment is accepted.
Target: 0 lost, 0 duplicated, 0 other 5xx, every 503 keeps the text, recovery < 2 s.
The last line is machine-readable.
"""

import argparse
import http.client
import re
import sys
import threading
import time
from collections import Counter
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.servers import AppServer, OwnPostgres, OwnRedis, manage

DEMO_SLUG = "rescuing-a-sluggish-sourdough-starter"
TOKEN = re.compile(r'name="token" value="([^"]+)"')
TEXTAREA = re.compile(r'<textarea[^>]*id="id_body"[^>]*>(.*?)</textarea>', re.S)


class Client:
    """One commenter: its own cookies, forms fetched ahead (tokens are signed, not stored)."""

    def __init__(self, port, number):
        self.port = port
        self.number = number
        self.cookies = SimpleCookie()
        self.tokens = []
        self.sequence = 0

    def request(self, method, path, data=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                self.cookies.load(header)
            return response.status, response.headers, text
        finally:
            conn.close()

    def fetch_forms(self, count):
        for _ in range(count):
            status, _headers, text = self.request("GET", f"/posts/{DEMO_SLUG}/")
            assert status == 200, status
            self.tokens.append(TOKEN.search(text).group(1))

    def next_form(self):
        self.sequence += 1
        body = f"Client {self.number}, comment {self.sequence}: {time.time_ns()}"
        data = {"name": f"Client {self.number}", "email": "", "url": "", "body": body}
        # The CSRF cookie's secret is a valid form token as it is.
        csrf = self.cookies["csrftoken"].value
        return {**data, "token": self.tokens.pop(), "csrfmiddlewaretoken": csrf}


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = Counter()
        self.sent = []  # every text a client meant to post, in its phase
        self.accepted = set()
        self.lost = []

    def add(self, key, n=1):
        with self.lock:
            self.counts[key] += n


def post_until_taken(client, tally, stop):
    """Post one comment; on 503 check the text came back and send the same form again."""
    form = client.next_form()
    with tally.lock:
        tally.sent.append(form["body"])
    while True:
        tally.add("attempts")
        try:
            status, headers, text = client.request("POST", f"/posts/{DEMO_SLUG}/comment/", form)
        except OSError:
            tally.add("connection errors")
            time.sleep(0.1)
            continue
        if status == 302 and headers["Location"].startswith("/comment/"):
            tally.add("accepted")
            with tally.lock:
                tally.accepted.add(form["body"])
            return
        if status == 503:
            kept = TEXTAREA.search(text)
            if kept and unescape(kept.group(1)).strip() == form["body"]:
                tally.add("503 kept the text")
            else:
                tally.add("503 without the text")
                with tally.lock:
                    tally.lost.append(form["body"])
                return
        elif status >= 500:
            tally.add("other 5xx")
            with tally.lock:
                tally.lost.append(form["body"])
            return
        else:
            tally.add(f"other {status}")
            if status != 429:  # the rate limit's page keeps the text; anything else does not
                with tally.lock:
                    tally.lost.append(form["body"])
            return
        if stop.is_set() and tally.counts["attempts"] > 10_000:
            return
        time.sleep(0.2)  # a reader reading the "try again" page, then sending it again


def run_clients(clients, tally, stop):
    def loop(client):
        while not stop.is_set():
            if not client.tokens:
                return
            post_until_taken(client, tally, stop)

    threads = [threading.Thread(target=loop, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    return threads


def recovery_seconds(port, since, deadline=30):
    """Seconds from ``since`` until /readyz is 200 with every part "ok" and a comment is taken."""
    probe = Client(port, "probe")
    while time.monotonic() - since < deadline:
        try:
            status, _headers, text = probe.request("GET", "/readyz")
        except OSError:
            status, text = 0, ""
        if status == 200 and '"cache": "ok"' in text and '"database": "ok"' in text:
            try:
                probe.fetch_forms(1)
            except (AssertionError, OSError):
                time.sleep(0.05)
                continue
            form = probe.next_form()
            status, headers, _text = probe.request("POST", f"/posts/{DEMO_SLUG}/comment/", form)
            if status == 302:
                return time.monotonic() - since
        time.sleep(0.05)
    return float("inf")


def stored_counts(database_url, bodies):
    import psycopg2

    with psycopg2.connect(database_url) as db, db.cursor() as cursor:
        cursor.execute(
            "SELECT body, count(*) FROM comments_comment WHERE body = ANY(%s) GROUP BY body",
            [list(bodies)],
        )
        return dict(cursor.fetchall())


FAULTS = {
    "redis stopped": (lambda redis, pg: redis.stop(), lambda redis, pg: redis.start()),
    "redis stalled": (lambda redis, pg: redis.stall(), lambda redis, pg: redis.resume()),
    "postgres stopped": (lambda redis, pg: pg.stop(), lambda redis, pg: pg.start()),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--steady", type=float, default=2.0, help="seconds before each fault")
    parser.add_argument("--outage", type=float, default=3.0, help="seconds each fault lasts")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    args = parser.parse_args(argv)

    results = {}
    with OwnRedis() as redis, OwnPostgres() as postgres:
        env = {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "BENCH_DATABASE_URL": postgres.url,
            "BENCH_REDIS_URL": redis.url,
            "COMMENTS_MODERATION": "none",
        }
        # The bench settings serve static files from their source folder (as WhiteNoise
        # scans it), which the staticfiles check objects to: not this run's concern.
        manage(env, "migrate", "--noinput", "--skip-checks")
        manage(env, "import_demo", "--skip-checks")
        with AppServer(env, workers=args.workers) as app:
            print(
                f"gunicorn ({args.workers} workers) on {app.url}, PostgreSQL on "
                f"{postgres.port}, Redis on {redis.port}; {args.clients} posting clients"
            )
            for name, (break_it, mend_it) in FAULTS.items():
                clients = [Client(app.port, n) for n in range(1, args.clients + 1)]
                per_client = int((args.steady * 2 + args.outage) * 40) + 20
                for client in clients:
                    client.fetch_forms(per_client)
                tally, stop = Tally(), threading.Event()
                threads = run_clients(clients, tally, stop)
                time.sleep(args.steady)
                break_it(redis, postgres)
                time.sleep(args.outage)
                mend_it(redis, postgres)
                back = time.monotonic()
                recovered = recovery_seconds(app.port, back)
                time.sleep(args.steady)
                stop.set()
                for thread in threads:
                    thread.join(timeout=60)
                stored = stored_counts(postgres.url, tally.sent)
                lost = [b for b in tally.accepted if stored.get(b, 0) == 0] + tally.lost
                for body in lost:
                    print(f"  lost: {body!r} (stored {stored.get(body, 0)} times)")
                duplicated = sum(count - 1 for count in stored.values() if count > 1)
                counts = tally.counts
                results[name] = {
                    "attempts": counts["attempts"],
                    "accepted": counts["accepted"],
                    "lost": len(lost),
                    "duplicated": duplicated,
                    "other_5xx": counts["other 5xx"],
                    "503_kept": counts["503 kept the text"],
                    "503_not_kept": counts["503 without the text"],
                    "recovery_s": recovered,
                }
                extra = {k: v for k, v in counts.items() if k.startswith(("other ", "conn"))}
                print(
                    f"{name:17}: attempts {counts['attempts']}, accepted {counts['accepted']}, "
                    f"lost {len(lost)}, duplicated {duplicated}, 5xx other than 503 "
                    f"{counts['other 5xx']}, 503 with the text kept {counts['503 kept the text']}"
                    f" (without: {counts['503 without the text']}), recovered in "
                    f"{recovered:.2f} s{f'; {dict(extra)}' if extra else ''}"
                )
    worst_recovery = max(r["recovery_s"] for r in results.values())
    total = {key: sum(r[key] for r in results.values()) for key in next(iter(results.values()))}
    print(
        f"attempts={total['attempts']} accepted={total['accepted']} lost={total['lost']} "
        f"duplicated={total['duplicated']} other_5xx={total['other_5xx']} "
        f"kept_503={total['503_kept']} unkept_503={total['503_not_kept']} "
        f"worst_recovery_s={worst_recovery:.2f}"
    )
    return results


if __name__ == "__main__":
    main()
