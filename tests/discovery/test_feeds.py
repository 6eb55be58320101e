"""The RSS and Atom feeds, read back with feedparser as a feed reader would."""

from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.utils import timezone

from blogapp.models import Post
from comments.services import comments_moderate
from tests.factories import make_comment, make_post
from tests.html import soup

pytestmark = pytest.mark.django_db

FEEDS = [
    "/feed/",
    "/feed/atom/",
    "/comments/feed/",
    "/comments/feed/atom/",
]


def parsed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    return response, feed


def as_utc(struct):
    return datetime(*struct[:6], tzinfo=UTC)


@pytest.fixture
def site():
    """Posts of every kind, comments of every status, all with email addresses."""
    now = timezone.now().replace(microsecond=0)
    shown = make_post(title="Shown post", author_name="Editor",
                      published_at=now - timedelta(days=2))  # fmt: skip
    draft = make_post(title="Draft post")
    future = make_post(title="Scheduled post")
    first = make_comment(shown, author_name="Alice", author_email="alice@example.com",
                         author_url="https://alice.example/", body="First visible words",
                         created_at=now - timedelta(hours=3))  # fmt: skip
    reply = make_comment(shown, parent=first, author_name="Bob", author_email="bob@example.com",
                         body="A visible reply", created_at=now - timedelta(hours=2))  # fmt: skip
    ping = make_comment(shown, author_name="Other blog", body="Linked here", kind="pingback",
                        created_at=now - timedelta(hours=1))  # fmt: skip
    hidden = {
        make_comment(shown, body="Pending words", status="pending", author_email="p@example.com"),
        make_comment(shown, body="Spam words", status="spam", author_email="s@example.com"),
        make_comment(draft, body="On a draft", author_email="d@example.com"),
        make_comment(future, body="On a scheduled post", author_email="f@example.com"),
    }
    # Comments are written while the posts are public; then one becomes a draft again and
    # the other is rescheduled.
    Post.objects.filter(pk=draft.pk).update(status=Post.Status.DRAFT)
    Post.objects.filter(pk=future.pk).update(published_at=now + timedelta(days=1))
    removed = make_comment(shown, body="Removed words", author_email="r@example.com")
    comments_moderate(comments=[removed], status="removed", moderator=None)
    return {"shown": shown, "visible": [ping, reply, first], "hidden": hidden | {removed}}


@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_parses_without_errors_and_shows_no_address(client, site, url):
    response, feed = parsed(client, url)
    assert feed.entries
    assert b"@example.com" not in response.content
    for hidden in site["hidden"]:
        assert hidden.body.encode() not in response.content


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_post_feeds_list_published_posts_with_permalinks_authors_and_dates(client, site, url):
    _response, feed = parsed(client, url)
    post = site["shown"]
    assert [entry.title for entry in feed.entries] == ["Shown post"]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver/posts/{post.slug}/"
    assert entry.author == "Editor"
    assert as_utc(entry.published_parsed) == post.published_at
    assert client.get(entry.link).status_code == 200


@pytest.mark.parametrize("url", ["/comments/feed/", "/comments/feed/atom/"])
def test_comment_feeds_list_visible_comments_newest_first(client, site, url):
    _response, feed = parsed(client, url)
    visible = site["visible"]
    assert [entry.link for entry in feed.entries] == [
        f"http://testserver/comment/{comment.pk}/" for comment in visible
    ]
    assert [entry.author for entry in feed.entries] == ["Other blog", "Bob", "Alice"]
    assert [as_utc(entry.published_parsed) for entry in feed.entries] == [
        comment.created_at for comment in visible
    ]
    assert feed.entries[2].title == "Alice on Shown post"
    assert "First visible words" in feed.entries[2].summary
    # The permalink leads to the comment on its post's page.
    landing = client.get(feed.entries[2].link)
    assert landing.status_code == 302
    assert landing["Location"].endswith(f"/posts/{site['shown'].slug}/#comment-{visible[2].pk}")


@pytest.mark.parametrize("suffix", ["feed/", "feed/atom/"])
def test_a_posts_comment_feed_has_only_its_comments(client, site, suffix):
    other = make_post(title="Other post")
    make_comment(other, body="Elsewhere")
    response, feed = parsed(client, f"/posts/{site['shown'].slug}/{suffix}")
    assert len(feed.entries) == 3
    assert b"Elsewhere" not in response.content
    assert feed.feed.title == "Comments on Shown post"


def test_a_hidden_posts_comment_feed_is_not_found(client, site):
    draft = Post.objects.get(title="Draft post")
    assert client.get(f"/posts/{draft.slug}/feed/").status_code == 404
    assert client.get("/posts/no-such-post/feed/atom/").status_code == 404


def test_pages_announce_their_feeds(client, site):
    home = soup(client.get("/"))
    announced = {(link["type"], link["href"]) for link in home.select('head link[rel="alternate"]')}
    assert ("application/rss+xml", "/feed/") in announced
    assert ("application/atom+xml", "/feed/atom/") in announced
    assert ("application/rss+xml", "/comments/feed/") in announced
    page = soup(client.get(site["shown"].get_absolute_url()))
    hrefs = {link["href"]: link["type"] for link in page.select('head link[rel="alternate"]')}
    slug = site["shown"].slug
    assert hrefs[f"/posts/{slug}/feed/"] == "application/rss+xml"
    assert hrefs[f"/posts/{slug}/feed/atom/"] == "application/atom+xml"
    for href in hrefs:
        parsed(client, href)


def test_the_footer_links_the_feeds_for_readers_who_look_for_them(client, site):
    footer = soup(client.get("/")).select_one(".site-footer")
    links = {a.get_text(strip=True): a["href"] for a in footer.select("a")}
    assert links["Posts feed"] == "/feed/"
    assert links["Comments feed"] == "/comments/feed/"
    _response, feed = parsed(client, links["Posts feed"])
    assert [entry.title for entry in feed.entries] == ["Shown post"]


def test_feeds_escape_hostile_author_names(client, post):
    make_comment(post, author_name='<script>alert(1)</script>"&', body="x")
    response, feed = parsed(client, "/comments/feed/")
    assert feed.entries[0].author == '<script>alert(1)</script>"&'
    assert b"<script>" not in response.content


def test_the_site_wide_comment_feed_is_titled_in_german(site):
    from django.test import Client

    from tests.i18n.conftest import GERMAN

    _, feed = parsed(Client(**GERMAN), "/comments/feed/")
    assert feed.feed.title == "Kommentare – Das Blog"
