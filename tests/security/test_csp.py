"""Content-Security-Policy on every page kind, and nothing inline that would need it relaxed."""

import contextlib

import pytest
from django.contrib import admin
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from comments.models import Comment
from comments.notifications.tokens import CONFIRM, UNSUBSCRIBE, make_token
from tests.factories import make_comment, make_post
from tests.html import soup
from tests.notifications.helpers import subscriber
from tests.posting import comment_url, form_data

pytestmark = pytest.mark.django_db

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def policy(response):
    header = response.get("Content-Security-Policy", "")
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def inline_problems(response):
    """Everything in the HTML that a policy without 'unsafe-inline' would block."""
    page = soup(response)
    problems = []
    for script in page.find_all("script"):
        if script.get("src"):
            if script.string and script.string.strip():
                problems.append(f"script with src and a body: {script}")
        elif script.get("type", "").lower() not in DATA_SCRIPT_TYPES:
            problems.append(f"inline script: {str(script)[:120]}")
    problems += [f"<style> element: {str(tag)[:120]}" for tag in page.find_all("style")]
    for tag in page.find_all(True):
        if "style" in tag.attrs:
            problems.append(f"style attribute: {str(tag)[:120]}")
        problems += [f"event handler {name}: {str(tag)[:120]}"
                     for name in tag.attrs if name.lower().startswith("on")]  # fmt: skip
        for name in ("href", "src", "action", "formaction"):
            if str(tag.get(name, "")).strip().lower().startswith("javascript:"):
                problems.append(f"javascript: URL: {str(tag)[:120]}")
    return problems


def assert_strict(response, what):
    csp = policy(response)
    assert csp, f"{what}: no Content-Security-Policy header"
    for directive in ("default-src", "script-src", "style-src"):
        assert csp[directive] == ["'self'"], f"{what}: {directive} {csp.get(directive)}"
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    if response["Content-Type"].startswith("text/html"):
        assert inline_problems(response) == [], what


@pytest.fixture
def site(post):
    root = make_comment(post, author_name="Root", author_email="root@example.org")
    reply = make_comment(post, parent=root, author_name="Reply")
    deep = reply
    for _ in range(8):  # past COMMENTS_THREAD_MAX_DEPTH: "Continue this thread"
        deep = make_comment(post, parent=deep)
    make_comment(post, kind=Comment.Kind.PINGBACK, author_name="Elsewhere", body="Linked")
    return {"post": post, "root": root, "reply": reply, "deep": deep}


def test_every_public_page_kind_carries_a_strict_policy(client, site):
    post, root, deep = site["post"], site["root"], site["deep"]
    sub = subscriber(post, "sub@example.org")
    pages = {
        "home": client.get("/"),
        "post list, page 2": client.get("/?page=2"),
        "post page": client.get(post.get_absolute_url()),
        "post page, reply form": client.get(post.get_absolute_url(), {"replyto": root.pk}),
        "thread page": client.get(f"/comment/{deep.pk}/thread/"),
        "permalink": client.get(f"/comment/{root.pk}/"),
        "404": client.get("/posts/no-such-post/"),
        "form with errors": client.post(comment_url(post), form_data(client, post, body="")),
        "confirm subscription": client.get(
            reverse("comments:subscription_confirm", args=[make_token(CONFIRM, sub)])
        ),
        "unsubscribe": client.get(
            reverse("comments:unsubscribe", args=[make_token(UNSUBSCRIBE, sub)])
        ),
        "bad token": client.get(reverse("comments:unsubscribe", args=["nonsense"])),
        "static file": client.get("/static/js/comments.js"),
    }
    statuses = {what: response.status_code for what, response in pages.items()}
    assert statuses["post page"] == 200 and statuses["404"] == 404
    assert statuses["form with errors"] == 200 and statuses["thread page"] == 200
    for what, response in pages.items():
        assert_strict(response, what)


def test_posts_may_show_images_from_https_hosts_and_nothing_else_from_elsewhere(client):
    """An imported post's images usually live on the old blog's media host."""
    post = make_post(body='<p><img src="https://media.example.org/bread.jpg" alt="Bread"></p>')
    response = client.get(post.get_absolute_url())
    image = '<img src="https://media.example.org/bread.jpg" alt="Bread">'
    assert image in response.content.decode()
    assert policy(response)["img-src"] == ["'self'", "data:", "https:"]
    assert_strict(response, "a post with an image from elsewhere")


@override_settings(COMMENTS_RATE_LIMIT_COUNT=1, COMMENTS_RATE_LIMIT_PERIOD=3600)
def test_the_rate_limited_page_carries_it_too(client, post):
    for n in range(3):
        response = client.post(comment_url(post), form_data(client, post, body=f"Flood {n}"),
                               REMOTE_ADDR="203.0.113.50")  # fmt: skip
    assert response.status_code == 429
    assert_strict(response, "rate limited")


def admin_urls(site):
    """Every admin page kind: index, each registered model's changelist and add/change form,
    our thread and decision views, the login page."""
    urls = {"index": reverse("admin:index")}
    objects = {Comment: site["root"], type(site["post"]): site["post"]}
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls[f"{info} changelist"] = reverse("admin:{}_{}_changelist".format(*info))
        with contextlib.suppress(NoReverseMatch):
            urls[f"{info} add"] = reverse("admin:{}_{}_add".format(*info))
        instance = objects.get(model) or model._default_manager.first()
        if instance is not None:
            urls[f"{info} change"] = reverse("admin:{}_{}_change".format(*info),
                                             args=[instance.pk])  # fmt: skip
    urls["thread view"] = reverse("admin:comments_comment_thread", args=[site["reply"].pk])
    urls["decide"] = reverse("admin:comments_comment_decide", args=[site["root"].pk, "spam"])
    urls["changelist, pending filter"] = reverse("admin:comments_comment_changelist") + (
        "?status__exact=pending"
    )
    urls["changelist, search"] = reverse("admin:comments_comment_changelist") + "?q=root"
    return urls


def test_every_admin_page_kind_carries_it_and_inlines_nothing(admin_user, site):
    client = Client()
    client.force_login(admin_user)
    make_post(title="Another")  # a post list longer than one row
    urls = admin_urls(site)
    assert len(urls) > 15
    for what, url in urls.items():
        response = client.get(url)
        assert response.status_code in (200, 403), (what, url, response.status_code)
        assert_strict(response, what)
    login = Client().get(reverse("admin:login"))
    assert login.status_code == 200
    assert_strict(login, "admin login")


def test_the_lockout_page_carries_it(admin_user, settings):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(reverse("admin:login"), {"username": "admin", "password": f"x{n}"})
    assert response.status_code == 429
    assert_strict(response, "lockout page")


def test_the_check_itself_finds_inline_code():
    """The detector is real: each kind of inline code is reported."""

    class Page:
        def __init__(self, html):
            self.content = html.encode()

    html = (
        "<script>alert(1)</script><script type='application/json'>{}</script>"
        "<style>p{}</style><p style='color:red' onclick='x()'>"
        "<a href='javascript:alert(1)'>x</a>"
    )
    problems = inline_problems(Page(html))
    assert [problem.split(":")[0] for problem in problems] == [
        "inline script", "<style> element", "style attribute", "event handler onclick",
        "javascript",
    ]  # fmt: skip
