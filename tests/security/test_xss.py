"""XSS payloads through every way text reaches a page: nothing that can run survives."""

import html

import pytest

from blogapp.models import Post
from comments.models import Comment
from comments.text import sanitize_comment_html
from tests.factories import make_comment, make_post
from tests.html import soup
from tests.posting import comment_url, form_data
from tests.security.harmless import assert_harmless, problems
from tests.security.payloads import XSS_PAYLOADS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def whole_discussion_on_one_page(settings):
    """Every payload's comment on the one page each test reads."""
    settings.COMMENTS_PER_PAGE = 0


def test_the_checker_sees_what_it_looks_for():
    """The checks are real: each kind of danger is reported."""
    site_script = '<script src="/static/js/comments.js"></script>'
    for bad in [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href=" JavaScript:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<iframe src="https://example.com"></iframe>',
        '<svg><a href="https://example.com">x</a></svg>',
        '<a href="data:text/html,x">x</a>',
        '<p style="background:url(x)">x</p>',
    ]:
        assert problems(f"<p>ok</p>{bad}{site_script}"), bad
    assert problems(f"<p>ok</p>{site_script}") == []


def post_each(client, post, field, payloads):
    """Post each payload in ``field``; every answer must be harmless. Returns the accepted ones."""
    accepted = []
    for n, payload in enumerate(payloads):
        typed = {"name": f"Reader {n}", "body": f"Comment {n}", field: payload}
        data = form_data(client, post, **typed)
        response = client.post(comment_url(post), data)
        if response.status_code == 302:
            accepted.append(payload)
            response = client.get(response["Location"], follow=True)
        assert response.status_code == 200
        assert_harmless(response, f"answer to {field}={payload!r}")
    return accepted


CONTROLS = ("\x00", "\x01", "\u202e")


def test_the_corpus_has_no_repeats():
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


def test_payloads_in_comment_text(client, post):
    accepted = post_each(client, post, "body", XSS_PAYLOADS)
    # Only the payloads with control characters are refused (with a form error).
    assert set(XSS_PAYLOADS) - set(accepted) == {
        p for p in XSS_PAYLOADS if any(c in p for c in CONTROLS)
    }
    page = client.get(post.get_absolute_url())
    assert_harmless(page, "post page")
    shown = soup(page).select_one(".comment-list").get_text()
    for payload in accepted:
        # Comments are Markdown: raw HTML shows as text, but character references in it
        # (&#x09;) are read as the characters they stand for, as CommonMark says.
        as_text = {payload.strip(), html.unescape(payload).strip()}
        assert any(text in shown for text in as_text), f"{payload!r} should show as text"


def test_payloads_as_author_name(client, post):
    accepted = post_each(client, post, "name", XSS_PAYLOADS)
    assert len(accepted) >= len(XSS_PAYLOADS) - 5
    assert_harmless(client.get(post.get_absolute_url()), "post page")
    for comment in Comment.objects.filter(post=post):
        reply_page = client.get(f"{post.get_absolute_url()}?replyto={comment.pk}")
        assert_harmless(reply_page, f"reply form to {comment.author_name!r}")
        assert comment.author_name in soup(reply_page).select_one("#respond-title").get_text()


def test_payloads_as_website_only_web_addresses_pass(client, post):
    accepted = post_each(client, post, "url", XSS_PAYLOADS)
    assert all(url.startswith(("http://", "https://")) for url in accepted)
    page = client.get(post.get_absolute_url())
    assert_harmless(page, "post page")
    links = [a["href"] for a in soup(page).select(".comment-author a")]
    assert len(links) == len(accepted)
    assert all(link.startswith(("http://", "https://")) for link in links)


def test_payloads_in_imported_html_and_post_bodies(client):
    """What an import stores: sanitised HTML, and author fields exactly as the archive had them."""
    for n, hostile in enumerate(XSS_PAYLOADS):
        payload = hostile.replace("\x00", "")  # PostgreSQL text cannot hold NUL at all
        post = make_post(title=payload, body=payload, author_name=payload, slug=f"hostile-{n}")
        made = {}
        for kind in (Comment.Kind.COMMENT, Comment.Kind.PINGBACK):
            made[kind] = make_comment(post, kind=kind)
            Comment.objects.filter(pk=made[kind].pk).update(
                body_html=sanitize_comment_html(payload), author_name=payload, author_url=payload
            )
        # A reply to the comment (a pingback takes no replies).
        make_comment(post, parent=made[Comment.Kind.COMMENT], body=payload, author_name=payload)
    for post in Post.objects.all():
        page = client.get(post.get_absolute_url())
        assert page.status_code == 200
        assert_harmless(page, f"post page for {post.title!r}")
    last_page = (len(XSS_PAYLOADS) + 9) // 10
    for number in range(1, last_page + 1):
        response = client.get(f"/?page={number}")
        assert response.status_code == 200
        assert_harmless(response, f"post list page {number}")
