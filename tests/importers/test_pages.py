"""WordPress pages (About, Level 1…) are imported as posts that no list shows: readers reach
them at their address, old ``?page_id=`` links included, and crawlers through the sitemap."""

import io
import re
from urllib.parse import unquote

import feedparser
import pytest
from django.core.management import call_command

from blogapp.models import Post
from tests.factories import make_post
from tests.html import soup

from .conftest import WXR_THEME, sample

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# Some of the theme test data's published pages, by slug, with their wp:post_id.
PAGES = {"about": 2, "page-a": 733, "level-1": 174, "level-3": 172, "page-with-comments": 155}


def import_theme():
    call_command("import_archive", sample(WXR_THEME), stdout=io.StringIO(), stderr=io.StringIO())


def linked_slugs(response):
    return {
        unquote(slug) for slug in re.findall(r'href="/posts/([^/"]+)/"', response.content.decode())
    }


def home_page_slugs(client):
    """The slugs of every post the home page lists, over all its pages."""
    slugs, number = set(), 1
    while True:
        response = client.get("/", {"page": number})
        if response.status_code == 404:
            return slugs
        slugs |= linked_slugs(response)
        number += 1


def test_wordpress_pages_are_reached_at_their_address_but_listed_nowhere(client):
    import_theme()
    pages = Post.objects.filter(slug__in=PAGES)
    assert pages.count() == len(PAGES) and not pages.filter(listed=True).exists()
    assert Post.objects.get(slug="markup-title-with-markup").listed  # a post stays listed

    for slug, old_id in PAGES.items():
        assert client.get(f"/posts/{slug}/").status_code == 200
        old = client.get("/", {"page_id": old_id})
        assert old.status_code == 301 and old["Location"] == f"/posts/{slug}/?via=old-link"

    listed = set(Post.objects.listed().values_list("slug", flat=True))
    assert home_page_slugs(client) == listed
    assert linked_slugs(client.get("/posts/")) == listed
    for feed in ("/feed/", "/feed/atom/"):
        links = {entry.link for entry in feedparser.parse(client.get(feed).content).entries}
        assert links and not [link for link in links for slug in PAGES if f"/{slug}/" in link]

    sitemap = client.get("/sitemap.xml").content.decode()
    assert all(f"/posts/{slug}/</loc>" in sitemap for slug in PAGES)
    found = soup(client.get("/search/", {"q": "about the tests"}))
    assert "/posts/about/" in [a["href"] for a in found.select(".search-result__title a")]
    # Comments on a page are shown on it, and in the site's comment feed, as WordPress does.
    page = Post.objects.get(slug="page-with-comments")
    comments = feedparser.parse(client.get("/comments/feed/").content).entries
    assert page.comments.exists()
    assert any(entry.title.endswith("on Page with comments") for entry in comments)


def test_the_admin_lists_and_takes_a_post_off_the_lists(admin_client, client):
    post = make_post(title="Imprint", slug="imprint")
    assert "/posts/imprint/" in client.get("/").content.decode()
    form = soup(admin_client.get(f"/admin/blogapp/post/{post.pk}/change/"))
    assert form.select_one('input[name="listed"][type="checkbox"]').has_attr("checked")

    data = {
        field["name"]: field.get("value", "")
        for field in form.select("#post_form input, #post_form textarea, #post_form select")
        if field.get("name") and field.get("type") not in ("checkbox", "submit")
    }
    data["body"] = form.select_one('textarea[name="body"]').get_text()
    data["status"] = "published"
    data["comments_open"] = "on"  # "listed" left out: unticked
    response = admin_client.post(f"/admin/blogapp/post/{post.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    post.refresh_from_db()
    assert not post.listed
    assert "/posts/imprint/" not in client.get("/").content.decode()
    assert client.get("/posts/imprint/").status_code == 200
    unlisted = admin_client.get("/admin/blogapp/post/", {"listed__exact": "0"}).content.decode()
    assert "Imprint" in unlisted
    assert "By listing" in unlisted and "By listed" not in unlisted  # the filter's heading
