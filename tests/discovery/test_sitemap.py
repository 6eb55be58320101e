"""The sitemap and robots.txt, as a crawler reads them."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from blogapp.models import Post
from tests.factories import make_post
from tests.posting import comment_url, form_data

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lists_the_home_page_and_published_posts_only(client):
    shown = make_post(title="Shown")
    make_post(title="Draft", status=Post.Status.DRAFT)
    make_post(title="Later", published_at=timezone.now() + timedelta(days=1))
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own page
    urls = [url.findtext("s:loc", namespaces=NS) for url in root.findall("s:url", NS)]
    assert urls == ["http://testserver/", f"http://testserver/posts/{shown.slug}/"]
    lastmod = root.findall("s:url", NS)[1].findtext("s:lastmod", namespaces=NS)
    assert lastmod == shown.updated_at.date().isoformat()
    for url in urls:
        assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_a_posts_lastmod_follows_its_discussion(client, settings):
    """A new comment changes the post's page: the sitemap says so, so crawlers come back for
    it. A post whose discussion never changed keeps its own date."""
    settings.COMMENTS_MODERATION = "none"
    ten_days_ago = timezone.now() - timedelta(days=10)
    discussed = make_post(title="Discussed", published_at=ten_days_ago)
    quiet = make_post(title="Quiet", published_at=ten_days_ago - timedelta(days=1))
    Post.objects.update(updated_at=ten_days_ago)
    assert client.post(comment_url(discussed), form_data(client, discussed)).status_code == 302

    root = ElementTree.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own page
    lastmod = {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in root.findall("s:url", NS)
    }
    assert (
        lastmod[f"http://testserver/posts/{discussed.slug}/"] == timezone.now().date().isoformat()
    )
    assert lastmod[f"http://testserver/posts/{quiet.slug}/"] == ten_days_ago.date().isoformat()
