"""Visible bugs of the reading pages, each fixed: closed posts offer no Reply, pingbacks link to
their source with a short excerpt, /favicon.ico answers, imported comments stay readable."""

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from blogapp.models import Post
from comments.models import Comment
from comments.text import render_comment_body
from tests.factories import make_comment, make_post
from tests.html import soup
from tests.importers.conftest import TEXT_SAMPLE, WXR_THEME, sample

# Cached discussions stay cached across the tests' commits only with real transactions.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def discussion_cache_on(settings):
    settings.COMMENTS_CACHE_TIMEOUT = 300
    cache.clear()


def reply_links(response):
    return soup(response).select("li.comment .comment-reply-link")


def test_closing_a_post_removes_every_reply_link_even_from_the_cached_page(client):
    post = make_post()
    root = make_comment(post)
    make_comment(post, parent=root)
    assert len(reply_links(client.get(post.get_absolute_url()))) == 2  # now cached

    Post.objects.filter(pk=post.pk).update(comments_open=False)  # no comment changes
    response = client.get(post.get_absolute_url())
    assert reply_links(response) == []
    assert "Comments are closed" in soup(response).select_one("#respond").get_text()
    thread = client.get(f"/comment/{root.pk}/thread/")
    assert soup(thread).select("li.comment") and reply_links(thread) == []

    Post.objects.filter(pk=post.pk).update(comments_open=True)
    assert len(reply_links(client.get(post.get_absolute_url()))) == 2


def test_a_post_closed_by_age_shows_no_reply(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    post = make_post(published_at=timezone.now() - timedelta(days=29))
    make_comment(post)
    assert len(reply_links(client.get(post.get_absolute_url()))) == 1
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(days=31))
    assert reply_links(client.get(post.get_absolute_url())) == []


def test_pingbacks_link_to_their_source_with_a_short_excerpt(client):
    call_command("import_archive", sample(WXR_THEME), stdout=io.StringIO())
    post = Post.objects.get(slug="template-pingbacks-an-trackbacks")
    page = soup(client.get(post.get_absolute_url()))
    pings = page.select("section.pingbacks li.pingback")
    assert len(pings) == 4
    for ping in pings:
        source = ping.select_one(".pingback-source a")
        assert source["href"].startswith("http://tellyworth.wordpress.com/")
        assert "nofollow" in source["rel"]
        excerpt = ping.select_one(".pingback-excerpt").get_text()
        assert excerpt and "[...]" not in excerpt
        assert len(excerpt.split()) <= 31
    long_one = next(p for p in pings if "Ping 2" in p.get_text())
    assert long_one.select_one(".pingback-excerpt").get_text().startswith("Another trackback test.")
    assert long_one.select_one(".pingback-excerpt").get_text().endswith("…")


def test_a_pingback_without_an_excerpt_shows_no_empty_one(client):
    call_command("import_archive", sample(TEXT_SAMPLE), stdout=io.StringIO())
    ping = Comment.objects.get(kind="pingback")
    assert ping.body_html == ""
    post = ping.post
    item = soup(client.get(post.get_absolute_url())).select_one("li.pingback")
    assert item.select_one(".pingback-source").get_text() == ping.author_name
    assert item.select(".pingback-excerpt") == []


def test_favicon_ico_answers_and_every_page_links_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)
    page = soup(client.get("/"))
    assert page.select_one("link[rel=icon]")["href"] == response["Location"]


WP_COMMENT = """<strong>Headings</strong>
<h2>Header two</h2>
Single line blockquote:
<blockquote>Stay hungry. Stay foolish.</blockquote>
<table><tbody>
<tr><th>Employee</th><th>Salary</th><th></th></tr>
<tr><td>John</td><td>$1</td><td>Because.</td></tr>
</tbody></table>
<dl><dt>Startup</dt><dd>A company.</dd></dl>
A line
and the next line

<ul>
\t<li>One</li>
\t<li>Two</li>
</ul>
<pre>  indented
    code</pre>"""


def test_imported_structure_is_kept_readable():
    html = soup_of(render_comment_body(WP_COMMENT, "autop"))
    paragraphs = [p.get_text() for p in html.find_all("p", recursive=False)]
    assert paragraphs == [
        "Headings", "Header two", "Single line blockquote:", "Employee · Salary",
        "John · $1 · Because.", "Startup", "A company.", "A lineand the next line",
    ]  # fmt: skip
    assert html.select_one("blockquote").get_text() == "Stay hungry. Stay foolish."
    assert [li.get_text() for li in html.select("ul > li")] == ["One", "Two"]
    assert html.select_one("pre").get_text() == "  indented\n    code"
    assert html.select("p br") and not html.select("pre br, ul br")
    assert not html.find(["h2", "table", "td", "dl"])


def test_every_imported_comment_of_the_theme_test_reads_in_paragraphs():
    call_command("import_archive", sample(WXR_THEME), stdout=io.StringIO())
    long_one = Comment.objects.get(body__contains="<h2>Tables</h2>")
    html = soup_of(long_one.body_html)
    top = [child.name for child in html.children if getattr(child, "name", None)]
    assert top.count("p") > 30 and {"ul", "ol", "blockquote", "pre"} <= set(top)
    # No text run straight into the next block's text.
    assert not [s for s in html.find_all(string=True, recursive=False) if s.strip()]


def soup_of(fragment):
    from bs4 import BeautifulSoup

    return BeautifulSoup(fragment, "html.parser")


def test_an_imported_image_becomes_a_link_to_it():
    html = soup_of(
        render_comment_body(
            'Look:\n<img src="https://img.example/a/wind.jpg?w=171" alt="Wind farm" />\nNice.',
            "autop",
        )
    )
    link = html.select_one("p a")
    assert link.get_text() == "Wind farm" and link["href"] == "https://img.example/a/wind.jpg?w=171"
    assert "nofollow" in link["rel"] and not html.select("img")
    unnamed = soup_of(render_comment_body('<img src="http://img.example/p.png">', "html"))
    assert unnamed.select_one("a").get_text() == "p.png"
    decorative = soup_of(render_comment_body("<img src='http://img.example/q.gif' alt=''>", "html"))
    assert decorative.select_one("a").get_text() == "q.gif"  # an empty alt is no name
    hostile = render_comment_body('<img src="javascript:alert(1)" alt="x">', "html")
    assert "javascript" not in soup_of(hostile).select_one("a").attrs.get("href", "")
