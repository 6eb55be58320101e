"""A database outage answers 503 and keeps the typed text; a committed comment is never
reported as lost.

The outage is real: the app runs under gunicorn against a PostgreSQL cluster of this module's
own (tests/servers.py), which the test stops and starts. The shared cluster is never touched.
"""

import http.client
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import psycopg2
import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client

from comments.models import Comment
from tests.factories import make_post
from tests.posting import comment_url, form_data
from tests.servers import AppServer, manage

pytestmark = pytest.mark.postgres

DEMO_SLUG = "rescuing-a-sluggish-sourdough-starter"


class Browser:
    """Just enough of a browser: cookies kept, forms posted, redirects not followed."""

    def __init__(self, base):
        self.base = base
        self.cookies = SimpleCookie()

    def request(self, method, path, data=None):
        host, port = self.base.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                self.cookies.load(header)
            return response.status, response.headers, text
        finally:
            conn.close()

    def comment_form(self, path):
        status, _headers, text = self.request("GET", path)
        assert status == 200, status
        page = BeautifulSoup(text, "html.parser")
        hidden = page.select("#respond form input[type=hidden]")
        return {field["name"]: field.get("value", "") for field in hidden}


@pytest.fixture(scope="module")
def site(own_postgres):
    """The demo archive on the module's own cluster, served by gunicorn (2 workers)."""
    env = {
        "DJANGO_SETTINGS_MODULE": "blogapp.settings.test",
        "DATABASE_URL": own_postgres.url,
        "REDIS_URL": "",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "import_demo")
    with AppServer(env) as server:
        yield server


def stored(own_postgres, body):
    with psycopg2.connect(own_postgres.url) as db, db.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM comments_comment WHERE body = %s", [body])
        return cursor.fetchone()[0]


def wait_until_ready(browser, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if browser.request("GET", "/readyz")[0] == 200:
            return
        time.sleep(0.1)
    raise AssertionError("the site did not recover")


def test_a_comment_posted_during_an_outage_gets_503_with_its_text(site, own_postgres):
    browser = Browser(site.url)
    form = browser.comment_form(f"/posts/{DEMO_SLUG}/")
    typed = {**form, "name": "Ann", "email": "", "url": "", "body": "Typed during the outage."}

    own_postgres.stop()
    try:
        status, headers, text = browser.request("POST", f"/posts/{DEMO_SLUG}/comment/", typed)
        assert status == 503
        assert headers["Retry-After"]
        page = BeautifulSoup(text, "html.parser")
        assert "could not be saved" in page.select_one(".form-errors").get_text()
        assert page.select_one("#id_body").get_text().strip() == "Typed during the outage."
        assert page.select_one("input[name=token]")["value"] == form["token"]
        # Reading answers 503 too (try again), never 500; the liveness probe still answers.
        assert browser.request("GET", f"/posts/{DEMO_SLUG}/")[0] == 503
        assert browser.request("GET", "/readyz")[0] == 503
        assert browser.request("GET", "/healthz")[0] == 200
    finally:
        own_postgres.start()

    wait_until_ready(browser)
    # The page sent again, as the reader would: stored once, and no app restart was needed.
    resent = {field["name"]: field.get("value", "") for field in page.select("form input")}
    resent["body"] = page.select_one("#id_body").get_text().strip()
    status, headers, _text = browser.request("POST", f"/posts/{DEMO_SLUG}/comment/", resent)
    assert status == 302
    assert headers["Location"].startswith("/comment/")
    assert stored(own_postgres, "Typed during the outage.") == 1
    status, _headers, _text = browser.request("POST", f"/posts/{DEMO_SLUG}/comment/", resent)
    assert status == 302  # a second resend leads to the same comment
    assert stored(own_postgres, "Typed during the outage.") == 1


# --- a failure after the commit ---------------------------------------------------------


@pytest.fixture
def refusing_sessions(transactional_db):
    """A real PostgreSQL trigger that refuses every write of a session row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse_session() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'session refused by the test trigger'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER test_refuse_session BEFORE INSERT OR UPDATE ON django_session "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_session()"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS test_refuse_session ON django_session")
        cursor.execute("DROP FUNCTION IF EXISTS test_refuse_session()")


def test_a_comment_committed_before_the_session_failed_is_not_reported_lost(
    refusing_sessions, settings
):
    # Held for moderation: the view remembers it in the writer's session, which then fails.
    settings.COMMENTS_MODERATION = "all"
    post = make_post()
    client = Client()
    data = form_data(client, post, body="Saved, whatever the session does.")
    response = client.post(comment_url(post), data)
    comment = Comment.objects.get(body="Saved, whatever the session does.")
    assert response.status_code == 302
    assert response["Location"] == comment.get_absolute_url()


# --- the connection lost in the middle of a write ---------------------------------------


@pytest.fixture
def connection_ended_before(transactional_db, other_session):
    """``end_before(fragment)``: the server ends this process's connection just before its
    next statement containing ``fragment`` (with ``outside_transactions``, one run outside
    ``atomic()``), by ``pg_terminate_backend`` from another session: as
    a server that goes away in the middle of a request. That statement fails with the
    connection gone, and every later one of the request finds it closed (``InterfaceError``)."""

    def end_before(fragment, *, outside_transactions=False):
        def wrapper(execute, sql, params, many, context):
            if fragment in sql and not (
                outside_transactions and context["connection"].in_atomic_block
            ):
                with other_session.cursor() as cursor:
                    pid = context["connection"].connection.info.backend_pid
                    cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
                other_session.commit()
            return execute(sql, params, many, context)

        return connection.execute_wrapper(wrapper)

    yield end_before
    connection.close()  # the ended one; the next statement connects again


@pytest.mark.parametrize("statement", ["comments_spamrule", 'INSERT INTO "comments_comment"'])
def test_a_connection_lost_in_the_middle_of_the_write_keeps_the_text(
    connection_ended_before, statement
):
    post = make_post()
    client = Client()
    data = form_data(client, post, body="Typed as the connection went away.")
    with connection_ended_before(statement):
        response = client.post(comment_url(post), data)
    assert response.status_code == 503
    page = BeautifulSoup(response.content, "html.parser")
    assert "could not be saved" in page.select_one(".form-errors").get_text()
    assert page.select_one("#id_body").get_text().strip() == "Typed as the connection went away."
    connection.close()
    assert not Comment.objects.filter(body="Typed as the connection went away.").exists()


def test_a_connection_lost_after_the_commit_still_leads_to_the_comment(
    connection_ended_before, settings
):
    # Held, with a subscription asked for: after the commit the view asks whether the address
    # is confirmed, the connection is gone, and the session (the writer's held comment) cannot
    # be saved with it: the comment is there all the same, and the writer is sent to it.
    settings.COMMENTS_MODERATION = "all"
    post = make_post()
    client = Client()
    data = form_data(client, post, body="Committed before the connection went away.")
    data.update(email="ann@example.org", notify_replies="on")
    with connection_ended_before('"confirmed_at" IS NOT NULL', outside_transactions=True):
        response = client.post(comment_url(post), data)
    connection.close()
    comment = Comment.objects.get(body="Committed before the connection went away.")
    assert response.status_code == 302
    assert response["Location"] == comment.get_absolute_url()


@pytest.mark.parametrize("statement", ["pg_advisory_xact_lock", 'UPDATE "comments_comment"'])
def test_an_edit_when_the_connection_is_lost_keeps_the_new_text(connection_ended_before, statement):
    post = make_post()
    client = Client()
    response = client.post(comment_url(post), form_data(client, post, body="The first words."))
    assert response.status_code == 302
    comment = Comment.objects.get(body="The first words.")
    edit = f"/comment/{comment.pk}/edit/"
    with connection_ended_before(statement):
        response = client.post(edit, {"body": "The better words."})
    assert response.status_code == 503
    assert response["Retry-After"]
    page = BeautifulSoup(response.content, "html.parser")
    assert "could not be saved" in page.select_one(".form-errors").get_text()
    assert page.select_one("textarea[name=body]").get_text().strip() == "The better words."
    connection.close()
    assert Comment.objects.get(pk=comment.pk).body == "The first words."
    # Sent again once the database answers, the change is made.
    assert client.post(edit, {"body": "The better words."}).status_code == 302
    assert Comment.objects.get(pk=comment.pk).body == "The better words."
