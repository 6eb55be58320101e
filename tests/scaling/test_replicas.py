"""Reads from a real streaming replica, and a commenter who always sees their own comment.

The test builds a primary and a hot standby of its own (initdb, pg_basebackup -R; see
tests/pgcluster.py), migrates the primary, and serves the site under gunicorn with
DATABASE_REPLICA_URLS naming the standby. It then pauses the standby's replay: whatever the
primary changes after that, a page read from the standby cannot show. So a page that does not
show it was read from the replica, and a page that does was read from the primary.
"""

import http.cookiejar
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests import pgcluster

REPO = Path(__file__).resolve().parents[2]
READ_YOUR_WRITES_SECONDS = 3

pytestmark = pytest.mark.skipif(
    pgcluster.server_bin() is None and not os.environ.get("CI"),
    reason="the PostgreSQL server tools (initdb, pg_basebackup) are not installed",
)


@pytest.fixture(scope="module")
def clusters():
    base = pgcluster.base_directory()
    primary = replica = None
    try:
        primary = pgcluster.make_primary(base)
        primary.query("CREATE DATABASE blog")
        replica = pgcluster.make_streaming_replica(primary, base)
        yield primary, replica
    finally:
        pgcluster.remove(base, replica, primary)


@pytest.fixture(scope="module")
def site(clusters):
    """The site under gunicorn, reading from the replica; its base URL."""
    primary, replica = clusters
    port = pgcluster.free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="blogapp.settings.dev",
        DEBUG="0",
        DATABASE_URL=f"{primary.url}/blog",
        DATABASE_REPLICA_URLS=f"{replica.url}/blog",
        READ_YOUR_WRITES_SECONDS=str(READ_YOUR_WRITES_SECONDS),
        COMMENTS_NOTIFICATIONS_ENABLED="0",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
    )
    manage = [sys.executable, str(REPO / "manage.py")]
    for command in (["migrate", "--noinput"], ["import_demo"]):
        subprocess.run([*manage, *command], cwd=REPO, env=env, check=True, capture_output=True)  # noqa: S603
    pgcluster.wait_for_replay(primary, replica)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "blogapp.wsgi"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base_url)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_serving(base_url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base_url + "/", timeout=2).close()  # noqa: S310
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"gunicorn did not answer on {base_url}")


class Browser:
    """A reader's browser: cookies kept, redirects followed."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url):
        with self.opener.open(url, timeout=10) as response:
            return response.status, response.read().decode()

    def post(self, url, fields):
        data = urllib.parse.urlencode(fields).encode()
        with self.opener.open(url, data=data, timeout=10) as response:
            return response.status, response.geturl(), response.read().decode()

    def cookie(self, name):
        return next((c for c in self.cookies if c.name == name), None)


def title(html):
    return BeautifulSoup(html, "html.parser").select_one("h1").get_text(strip=True)


@pytest.fixture
def paused_replica(clusters):
    """The replica stops replaying the primary's changes until the test ends."""
    primary, replica = clusters
    pgcluster.wait_for_replay(primary, replica)
    replica.query("SELECT pg_wal_replay_pause()")
    yield replica
    replica.query("SELECT pg_wal_replay_resume()")
    pgcluster.wait_for_replay(primary, replica)


def test_reads_hit_the_replica_and_a_commenter_sees_their_own_comment(
    clusters, site, paused_replica
):
    primary, _replica = clusters
    (slug, old_title) = primary.query("SELECT slug, title FROM blogapp_post", dbname="blog")[0]
    post_url = f"{site}/posts/{slug}/"

    author = Browser()
    status, page = author.get(post_url)
    assert status == 200
    assert title(page) == old_title

    # A change the paused replica cannot see.
    primary.query("UPDATE blogapp_post SET title = %s", ["Seen only on the primary"], dbname="blog")
    assert title(Browser().get(post_url)[1]) == old_title  # read from the replica

    # The comment POST is written to the primary (a hot standby refuses every write)...
    form = BeautifulSoup(page, "html.parser").select_one("#respond form")
    fields = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    fields.update(name="Rita", email="rita@example.com", body="Written through the router.")
    status, landed_on, page = author.post(urllib.parse.urljoin(post_url, form["action"]), fields)
    assert status == 200
    assert landed_on.startswith(post_url)
    (stored,) = primary.query(
        "SELECT count(*) FROM comments_comment WHERE body_html LIKE %s",
        ["%Written through the router.%"],
        dbname="blog",
    )[0]
    assert stored == 1

    # ...and the author's redirect reads the primary: their comment is there, with the change.
    assert "Written through the router." in page
    assert title(page) == "Seen only on the primary"
    recent_write = author.cookie("recent_write")
    assert recent_write is not None
    assert recent_write.expires - time.time() <= READ_YOUR_WRITES_SECONDS + 1

    # Another reader still reads the replica, which has replayed neither change.
    page = Browser().get(post_url)[1]
    assert title(page) == old_title
    assert "Written through the router." not in page


def test_once_the_replica_replays_every_reader_sees_the_change(clusters, site):
    primary, replica = clusters
    primary.query("UPDATE blogapp_post SET title = %s", ["Replayed everywhere"], dbname="blog")
    pgcluster.wait_for_replay(primary, replica)
    (slug,) = primary.query("SELECT slug FROM blogapp_post", dbname="blog")[0]
    assert title(Browser().get(f"{site}/posts/{slug}/")[1]) == "Replayed everywhere"
