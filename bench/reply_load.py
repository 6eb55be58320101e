"""Replying under load: 8 clients post replies at random places in a 10,000-comment thread.

Starts the app under gunicorn on 127.0.0.1 (bench settings, PostgreSQL, Redis cache), seeds
the thread, and runs the clients for a fixed time, back to back (a closed loop) or paced.
A reply is the POST of the comment form; its latency is the figure. Every POST needs a
fresh one-time form token (comments.submission). Two ways to get one (--form):

- ``signed`` (default): each client fetches the post page's form once (CSRF cookie and
  token, hidden fields), then signs a new one-time token per reply with the server's own
  key, as the page would have (bench/settings.py is shared by this process and gunicorn).
  The load is the write path alone.
- ``thread``: before each reply, fetch the lightest real page that carries the form: the
  parent's own thread page (``/comment/<id>/thread/``), or the post page for a new
  top-level comment. Those GETs share the two cores with the POSTs; their latency is
  printed separately, as the reader's page view.

Afterwards the database must hold every accepted reply exactly once, under the parent it
was sent to, and every comment tree must still be a valid MPTT tree.

    python bench/reply_load.py [--clients 8] [--seconds 20] [--pace 0] [--form signed|thread]
"""

import argparse
import http.client
import sys
import threading
import time
import urllib.parse
from collections import Counter
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    Gunicorn,
    percentile,
    reset_database,
    seed_post,
    seed_spam_model,
    setup_django,
    tree_problems,
)

TOP_LEVEL_SHARE = 0.1
MAX_REPLIES = 20_000  # a bound whatever the speed: 8 clients x 20 s never come near it
BODY_PREFIX = "load-test reply"


class FormFields(HTMLParser):
    """The fields of the page's comment form as the browser would send them untouched."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.fields = {}
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "comment-form" in (attrs.get("class") or ""):
            self.in_form = True
        elif self.in_form and tag == "input" and attrs.get("name"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif self.in_form and tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.in_form = False


def form_fields(page):
    """The comment form's fields; only the form is parsed, so the client stays cheap."""
    start = page.find("<form", page.find('id="respond"'))
    end = page.find("</form>", start)
    parser = FormFields()
    parser.feed(page[start : end + len("</form>")])
    return parser.fields


class ReplyClient(threading.Thread):
    """One reader replying again and again, with its own connection and cookies."""

    def __init__(
        self, number, port, slug, parent_ids, deadline, rng_seed, results, warmup=3, pace=0.0,
        form="signed",
    ):  # fmt: skip
        super().__init__(daemon=True)
        import random

        self.number = number
        self.port = port
        self.slug = slug
        self.parent_ids = parent_ids
        self.deadline = deadline
        self.rng = random.Random(rng_seed)
        self.results = results
        self.cookies = SimpleCookie()
        self.connection = None
        self.warmup = warmup
        self.pace = pace  # seconds from one reply's start to the next (0: at once)
        self.form = form  # where each reply's one-time token comes from: "signed" or "thread"
        self.fields = None  # the form as first fetched (signed tokens only)

    def request(self, method, path, body=None):
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                payload = response.read()
            except (ConnectionError, http.client.HTTPException):
                self.connection.close()
                self.connection = None
                if attempt == 2 or method == "POST":
                    raise
                continue
            for header in response.headers.get_all("Set-Cookie") or ():
                self.cookies.load(header)
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return response, payload
        raise AssertionError("unreachable")

    def fetch_form(self, path):
        """(the page's comment form fields, ms to fetch it), or (None, ms) on failure."""
        began = time.perf_counter()
        response, page = self.request("GET", path)
        form_ms = (time.perf_counter() - began) * 1000
        if response.status != 200:
            self.results.failed(f"form GET {response.status}")
            return None, form_ms
        return form_fields(page.decode()), form_ms

    def reply_form(self, parent_id):
        """The form fields to post for one reply, and the ms spent fetching a page (or None)."""
        if self.form == "thread":
            path = f"/posts/{self.slug}/" if parent_id is None else f"/comment/{parent_id}/thread/"
            return self.fetch_form(path)
        from comments import submission

        if self.fields is None:
            self.fields, _ = self.fetch_form(f"/posts/{self.slug}/")
            if self.fields is None:
                return None, None
        return {**self.fields, "token": submission.new_form_token()}, None

    def run(self):
        sequence = 0
        if self.pace:
            time.sleep(self.rng.uniform(0, self.pace))  # spread the clients over the interval
        while time.monotonic() < self.deadline and self.results.accepting():
            sequence += 1
            cycle_start = time.monotonic()
            # The first replies of a fresh server warm up its workers (imports, templates,
            # connections); they are checked like the others but not timed.
            timed = sequence > self.warmup
            top_level = self.rng.random() < TOP_LEVEL_SHARE
            parent_id = None if top_level else self.rng.choice(self.parent_ids)
            fields, form_ms = self.reply_form(parent_id)
            if fields is None:
                continue
            token = f"{BODY_PREFIX} {self.number}-{sequence}"
            fields.update(name=f"Loader {self.number}", email="", url="", body=token)
            fields["parent"] = "" if parent_id is None else str(parent_id)
            began = time.perf_counter()
            try:
                response, _ = self.request(
                    "POST", f"/posts/{self.slug}/comment/", urllib.parse.urlencode(fields)
                )
            except (ConnectionError, http.client.HTTPException, TimeoutError) as error:
                self.results.failed(f"POST {type(error).__name__}", token, parent_id)
                continue
            post_ms = (time.perf_counter() - began) * 1000
            # A browser follows the redirect, and that page shows (and so clears) the "awaiting
            # moderation" message. This client does not, so it drops the message itself:
            # otherwise messages pile up in the cookie and then in the session on every reply.
            self.cookies.pop("messages", None)
            if response.status == 302 and "/comment/" in response.getheader("Location", ""):
                self.results.accepted(token, parent_id, form_ms, post_ms, timed)
            else:
                self.results.failed(f"POST {response.status}", token, parent_id)
            if self.pace:
                time.sleep(max(0.0, cycle_start + self.pace - time.monotonic()))


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent = {}  # token -> parent id, for every reply the server accepted
        self.unsure = {}  # token -> parent id, for replies whose fate the client never learned
        self.form_ms, self.post_ms = [], []
        self.failures = Counter()

    def accepting(self):
        return len(self.sent) < MAX_REPLIES

    def accepted(self, token, parent_id, form_ms, post_ms, timed):
        with self.lock:
            self.sent[token] = parent_id
            if timed:
                if form_ms is not None:
                    self.form_ms.append(form_ms)
                self.post_ms.append(post_ms)

    def failed(self, reason, token=None, parent_id=None):
        with self.lock:
            self.failures[reason] += 1
            if token:
                self.unsure[token] = parent_id


def verify(post_id, results):
    """(lost, duplicated, wrong parent, tree problems) found in the database afterwards."""
    from comments.models import Comment

    stored = Comment.objects.filter(post_id=post_id, body__startswith=BODY_PREFIX).values_list(
        "body", "parent_id"
    )
    counts = Counter(body for body, _ in stored)
    parents = dict(stored)
    lost = [token for token in results.sent if token not in counts]
    duplicated = [token for token, count in counts.items() if count > 1]
    expected = {**results.unsure, **results.sent}
    misplaced = [t for t, parent in parents.items() if t in expected and expected[t] != parent]
    unexpected = [t for t in counts if t not in expected]
    return lost, duplicated, misplaced + unexpected, tree_problems(post_id)


def add_subscribers(post, count):
    """``count`` confirmed subscriptions to ``post``'s new comments."""
    from comments.notifications.models import Subscription

    Subscription.objects.bulk_create(
        Subscription(post=post, email=f"reader{i}@example.com", status="confirmed")
        for i in range(count)
    )


def run(clients, seconds, comments, workers=None, pace=0.0, form="signed", subscribers=0):
    import random

    from blogapp.models import Post

    reset_database()
    seed_spam_model()  # the filter scores every reply (unless COMMENTS_SPAM_FILTER_ENABLED=0)
    post = seed_post(comments, slug="reply-load")
    Post.objects.filter(pk=post.pk).update(comments_open=True)
    add_subscribers(post, subscribers)
    parent_ids = list(post.comments.values_list("id", flat=True))
    results = Results()
    with Gunicorn(workers=workers) as server:
        began = time.monotonic()
        deadline = began + seconds
        threads = [
            ReplyClient(
                n,
                server.port,
                post.slug,
                parent_ids,
                deadline,
                random.random(),
                results,
                pace=pace,
                form=form,
            )
            for n in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 60)
        elapsed = time.monotonic() - began
    lost, duplicated, misplaced, problems = verify(post.pk, results)
    return {
        "replies": len(results.sent),
        "replies_per_s": len(results.sent) / elapsed,
        "p50_ms": percentile(results.post_ms, 0.50),
        "p95_ms": percentile(results.post_ms, 0.95),
        "form_p50_ms": percentile(results.form_ms, 0.50),
        "form_p95_ms": percentile(results.form_ms, 0.95),
        "failures": dict(results.failures),
        "lost": len(lost),
        "duplicated": len(duplicated),
        "misplaced": len(misplaced),
        "tree_problems": problems,
        "clients": clients,
        "form": form,
        "seconds": elapsed,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config)")
    parser.add_argument(
        "--pace", type=float, default=0.0,
        help="seconds between the starts of one client's replies (default 0: back to back)",
    )  # fmt: skip
    parser.add_argument(
        "--form", choices=("signed", "thread"), default="signed",
        help="each reply's one-time token: signed here (default) or from the thread page",
    )  # fmt: skip
    args = parser.parse_args(argv)
    setup_django()
    result = run(args.clients, args.seconds, args.comments, args.workers, args.pace, args.form)
    pacing = f", one reply per {args.pace:g} s each" if args.pace else ", back to back"
    print(
        f"{result['replies']} replies in {result['seconds']:.1f} s from {result['clients']} "
        f"clients{pacing}: {result['replies_per_s']:.1f} replies/s"
    )
    if args.form == "thread":
        fetched = (
            f"fetching the form from the thread page first: p50 {result['form_p50_ms']:.1f} ms, "
            f"p95 {result['form_p95_ms']:.1f} ms"
        )
    else:
        fetched = "one-time tokens signed by the client"
    print(
        f"reply POST latency p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms "
        f"({fetched})"
    )
    if result["failures"]:
        print(f"refused or failed: {result['failures']}")
    for problem in result["tree_problems"][:10]:
        print(f"tree problem: {problem}")
    valid = not result["tree_problems"]
    print(
        f"replies_per_s={result['replies_per_s']:.1f} p50_ms={result['p50_ms']:.1f} "
        f"p95_ms={result['p95_ms']:.1f} lost={result['lost']} duplicated={result['duplicated']} "
        f"misplaced={result['misplaced']} tree_valid={'yes' if valid else 'no'}"
    )
    return result


if __name__ == "__main__":
    main()
