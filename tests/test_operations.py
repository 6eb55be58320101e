"""Operating the site: request ids in responses and logs, JSON logs in production, metrics."""

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_comment
from tests.notifications.helpers import subscriber
from tests.posting import comment_url, form_data

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


# --- request ids ---------------------------------------------------------------------------


@pytest.mark.parametrize("sent", ["abc-123", "0f8e7d6c5b4a", "lb.trace_42", "A" * 128])
def test_a_sane_incoming_request_id_is_kept_and_echoed(client, sent):
    response = client.get("/", HTTP_X_REQUEST_ID=sent)
    assert response["X-Request-ID"] == sent


@pytest.mark.parametrize(
    "sent",
    ["", "A" * 129, "has space", "new\nline", "<script>", "ünïcode", "semi;colon", "a/b"],
    ids=["empty", "too-long", "space", "newline", "markup", "unicode", "semicolon", "slash"],
)
def test_an_odd_request_id_is_replaced_by_a_new_one(client, sent):
    response = client.get("/", HTTP_X_REQUEST_ID=sent)
    assert response["X-Request-ID"] != sent
    assert len(response["X-Request-ID"]) == 32 and int(response["X-Request-ID"], 16) >= 0


def test_every_response_gets_its_own_id(client, post):
    ids = {client.get(path)["X-Request-ID"] for path in ("/", "/", post.get_absolute_url(),
                                                         "/no-such-page/")}  # fmt: skip
    assert len(ids) == 4


def run_production_request(path, request_id, *, env=None):
    """One request through production settings in a fresh process, from a host the site does
    not serve (a 400 that Django logs, with no page to render); its output."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        f"r = Client().get({path!r}, HTTP_X_REQUEST_ID={request_id!r}, "
        "HTTP_HOST='evil.example', secure=True)\n"
        "print(r.status_code, r['X-Request-ID'])\n"
    )
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "LOG_", "REQUEST_LOG"))}  # fmt: skip
    base.update(
        DJANGO_SETTINGS_MODULE="blogapp.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=url,
        **(env or {}),
    )
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script], cwd=ROOT, env=base, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_production_logs_one_json_object_per_line_with_the_request_id():
    result = run_production_request("/posts/x/", "trace-77")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["400", "trace-77"]
    lines = [json.loads(line) for line in result.stderr.splitlines()]  # each line is JSON
    by_logger = {line["logger"]: line for line in lines}
    # Django's own security error and the request line both carry the request's id.
    refused = by_logger["django.security.DisallowedHost"]
    assert refused["request_id"] == "trace-77" and refused["level"] == "ERROR"
    assert "evil.example" in refused["message"]
    request_line = by_logger["blogapp.requests"]
    assert request_line["request_id"] == "trace-77"
    assert (request_line["method"], request_line["path"], request_line["status"]) == (
        "GET", "/posts/x/", 400,
    )  # fmt: skip
    assert request_line["duration_ms"] >= 0 and request_line["time"]


def test_text_logs_when_asked_for():
    result = run_production_request("/posts/x/", "trace-78", env={"LOG_FORMAT": "text"})
    assert result.returncode == 0, result.stderr
    assert "ERROR django.security.DisallowedHost [trace-78] Invalid HTTP_HOST" in result.stderr
    assert "INFO blogapp.requests [trace-78] GET /posts/x/ 400" in result.stderr


# --- metrics -------------------------------------------------------------------------------

TOKEN = "scrape-secret-0123456789"
METRICS_MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    *django_settings.MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]


def scrape(client=None, token=TOKEN):
    client = client or Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.get(reverse("metrics"), **headers)


def sample(text, name, **labels):
    """The value of one sample in Prometheus's text format (0 when absent)."""
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return found.value
    return 0.0


def test_metrics_are_off_unless_configured(settings):
    assert settings.METRICS_TOKEN == ""
    assert not any("prometheus" in name for name in settings.MIDDLEWARE)
    assert scrape().status_code == 404
    assert scrape(token="").status_code == 404


@override_settings(METRICS_TOKEN=TOKEN)
@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN + "x", TOKEN[:-1]])
def test_the_endpoint_is_not_public(token):
    response = scrape(token=token)
    assert response.status_code == 404
    assert b"comments_" not in response.content


@override_settings(METRICS_TOKEN=TOKEN, MIDDLEWARE=METRICS_MIDDLEWARE)
def test_metrics_count_requests_writes_moderation_and_the_queue(post, admin_user):
    subscriber(post, "reader@example.org")  # so a new comment enqueues a task to mail them
    client = Client()
    before = scrape(client).content.decode()
    client.get(post.get_absolute_url())
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(comment_url(post), form_data(client, post, body="Counted."))
    assert response.status_code == 302
    comment = Comment.objects.get(body="Counted.")
    staff = Client()
    staff.force_login(admin_user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        staff.post(reverse("admin:comments_comment_changelist"),
                   {"action": "mark_as_spam", "_selected_action": [comment.pk]})  # fmt: skip
    after = scrape(client).content.decode()

    def grew(name, **labels):
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert grew("comments_written_total", source="service", status="approved") == 1
    assert grew("comments_moderated_total", status="spam") == 1
    view = "blogapp:post_detail"
    assert grew("django_http_responses_total_by_status_view_method_total",
                status="200", view=view, method="GET") >= 1  # fmt: skip
    # The new comment's notification task waits for a worker (none runs here).
    assert sample(before, "comments_task_queue_depth") == 0
    assert sample(after, "comments_task_queue_depth") >= 1


@override_settings(METRICS_TOKEN=TOKEN, COMMENTS_CACHE_TIMEOUT=60)
def test_the_discussion_cache_hits_and_misses_are_counted(post):
    make_comment(post)
    before = scrape().content.decode()
    client = Client()
    for _ in range(3):
        client.get(post.get_absolute_url(), {"cpage": 1})
    after = scrape().content.decode()
    hits = sample(after, "comments_discussion_cache_total", result="hit")
    misses = sample(after, "comments_discussion_cache_total", result="miss")
    assert misses - sample(before, "comments_discussion_cache_total", result="miss") >= 1
    assert hits - sample(before, "comments_discussion_cache_total", result="hit") >= 1


@override_settings(METRICS_TOKEN=TOKEN)
def test_an_import_counts_its_comments():
    from django.core.management import call_command

    wxr = Path(__file__).resolve().parent / "importers" / "fixtures" / "wxr-small-v1.xml"
    before = sample(scrape().content.decode(), "comments_written_total", source="import",
                    status="any")  # fmt: skip
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("import_archive", str(wxr), stdout=open(os.devnull, "w"))  # noqa: SIM115
    imported = Comment.objects.exclude(source="").count()
    after = sample(scrape().content.decode(), "comments_written_total", source="import",
                   status="any")  # fmt: skip
    assert imported > 0 and after - before == imported


# --- make run ------------------------------------------------------------------------------


def test_make_run_on_another_port_gives_both_processes_that_address():
    """The web server writes mail too (a subscription's confirmation): its links must name the
    port the site is served on, as the worker's do."""
    make = shutil.which("make")
    plan = subprocess.run(  # noqa: S603 - the project's own Makefile, printed only
        [make, "-n", "run", "PORT=8011"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    worker = next(line for line in plan.splitlines() if "comments_worker" in line)
    server = next(line for line in plan.splitlines() if "runserver" in line)
    for line in (worker, server):
        assert "SITE_URL=http://127.0.0.1:8011" in line
